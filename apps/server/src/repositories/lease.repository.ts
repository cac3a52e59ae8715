// Leases on periodic work, one row per name (services/lease.service.ts decides who asks and when). Each call is one
// statement, atomic on both dialects: an upsert that only takes a row that is free, expired or already ours.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export class LeaseRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Takes or extends the lease until `expiresAt` when it is free, ours, or expired at `now`; true when we hold it. */
  async claim(name: string, holder: string, now: number, expiresAt: number): Promise<boolean> {
    const row = await this.db
      .insertInto('leases')
      .values({ name, holder, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ holder, expires_at: expiresAt })
          .where((eb) => eb.or([eb('leases.holder', '=', holder), eb('leases.expires_at', '<=', now)])),
      )
      .returning('holder')
      .executeTakeFirst()
    return row?.holder === holder
  }

  /** Gives the lease up if we hold it, so that another replica can take it at once. */
  async release(name: string, holder: string): Promise<void> {
    await this.db.deleteFrom('leases').where('name', '=', name).where('holder', '=', holder).execute()
  }

  /** Who holds the lease at `now`, if anyone. */
  async holderOf(name: string, now: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('leases')
      .select('holder')
      .where('name', '=', name)
      .where('expires_at', '>', now)
      .executeTakeFirst()
    return row?.holder
  }
}
