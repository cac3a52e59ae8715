import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export type GrantPermission = 'read' | 'write'

/** Explicit shares of a private model with organisation members. */
export class GrantRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * A user's standing on a model in one statement (it runs on every request that names a model): their role in the
   * model's organisation and, only as a member, their grant on the model. Nothing when they are not a member.
   */
  async standing(
    modelId: number,
    orgId: string,
    userId: string,
  ): Promise<{ role: string; grant: GrantPermission | undefined } | undefined> {
    const row = await this.db
      .selectFrom('memberships as ms')
      .leftJoin('model_grants as g', (join) =>
        join.onRef('g.user_id', '=', 'ms.user_id').on('g.model_id', '=', modelId),
      )
      .select(['ms.role', 'g.permission'])
      .where('ms.user_id', '=', userId)
      .where('ms.org_id', '=', orgId)
      .executeTakeFirst()
    return row && { role: row.role, grant: (row.permission ?? undefined) as GrantPermission | undefined }
  }

  async find(modelId: number, userId: string): Promise<GrantPermission | undefined> {
    const row = await this.db
      .selectFrom('model_grants')
      .select('permission')
      .where('model_id', '=', modelId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row?.permission as GrantPermission | undefined
  }

  async set(modelId: number, userId: string, permission: GrantPermission, by: string, now: string): Promise<void> {
    await this.db
      .insertInto('model_grants')
      .values({ model_id: modelId, user_id: userId, permission, granted_by: by, created_at: now })
      .onConflict((oc) => oc.columns(['model_id', 'user_id']).doUpdateSet({ permission, granted_by: by }))
      .execute()
  }

  async remove(modelId: number, userId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('model_grants')
      .where('model_id', '=', modelId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(res.numDeletedRows) > 0
  }

  async list(modelId: number): Promise<{ username: string; permission: GrantPermission }[]> {
    const rows = await this.db
      .selectFrom('model_grants as g')
      .innerJoin('users as u', 'u.id', 'g.user_id')
      .select(['u.username', 'g.permission'])
      .where('g.model_id', '=', modelId)
      .orderBy('u.username')
      .execute()
    return rows.map((r) => ({ username: r.username, permission: r.permission as GrantPermission }))
  }
}
