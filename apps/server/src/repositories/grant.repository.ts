import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export type GrantPermission = 'read' | 'write'

/** Explicit shares of a private model with organisation members. */
export class GrantRepository {
  constructor(private readonly db: Kysely<Database>) {}

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
