import type { Kysely } from 'kysely'
import { toIso } from '../db/database.js'
import type { Database } from '../db/schema.js'

export type Role = 'viewer' | 'member' | 'admin'

export interface UserRecord {
  id: string
  username: string
  siteAdmin: boolean
  createdAt: string
}

export interface MembershipRecord {
  orgId: string
  org: string
  role: Role
}

/** Users and their memberships. Password hashes leave this class only through findCredentials. */
export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(u: UserRecord & { passwordHash: string }): Promise<void> {
    await this.db
      .insertInto('users')
      .values({
        id: u.id,
        username: u.username,
        password_hash: u.passwordHash,
        site_admin: u.siteAdmin ? 1 : 0,
        created_at: u.createdAt,
      })
      .execute()
  }

  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(n)
  }

  async findByUsername(username: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'site_admin', 'created_at'])
      .where('username', '=', username)
      .executeTakeFirst()
    return (
      row && { id: row.id, username: row.username, siteAdmin: row.site_admin === 1, createdAt: toIso(row.created_at) }
    )
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'site_admin', 'created_at'])
      .where('id', '=', id)
      .executeTakeFirst()
    return (
      row && { id: row.id, username: row.username, siteAdmin: row.site_admin === 1, createdAt: toIso(row.created_at) }
    )
  }

  async findCredentials(username: string): Promise<{ id: string; username: string; passwordHash: string } | undefined> {
    const row = await this.db
      .selectFrom('users')
      .select(['id', 'username', 'password_hash'])
      .where('username', '=', username)
      .executeTakeFirst()
    return row && { id: row.id, username: row.username, passwordHash: row.password_hash }
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', id).execute()
  }

  async memberships(userId: string): Promise<MembershipRecord[]> {
    const rows = await this.db
      .selectFrom('memberships as ms')
      .innerJoin('organisations as o', 'o.id', 'ms.org_id')
      .select(['ms.org_id', 'o.name', 'ms.role', 'ms.created_at'])
      .where('ms.user_id', '=', userId)
      .orderBy('ms.created_at')
      .orderBy('o.name')
      .execute()
    return rows.map((r) => ({ orgId: r.org_id, org: r.name, role: r.role as Role }))
  }

  async setMembership(orgId: string, userId: string, role: Role, now: string): Promise<void> {
    await this.db
      .insertInto('memberships')
      .values({ org_id: orgId, user_id: userId, role, created_at: now })
      .onConflict((oc) => oc.columns(['org_id', 'user_id']).doUpdateSet({ role }))
      .execute()
  }

  async removeMembership(orgId: string, userId: string): Promise<boolean> {
    const res = await this.db
      .deleteFrom('memberships')
      .where('org_id', '=', orgId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return Number(res.numDeletedRows) > 0
  }

  async members(orgId: string): Promise<{ username: string; role: Role }[]> {
    const rows = await this.db
      .selectFrom('memberships as ms')
      .innerJoin('users as u', 'u.id', 'ms.user_id')
      .select(['u.username', 'ms.role'])
      .where('ms.org_id', '=', orgId)
      .orderBy('u.username')
      .execute()
    return rows.map((r) => ({ username: r.username, role: r.role as Role }))
  }
}
