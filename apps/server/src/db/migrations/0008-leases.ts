import type { Kysely } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * Leases on periodic work (services/lease.service.ts): one row per kind of work, naming the replica that does it
 * and until when (ms since the epoch); another replica takes the row over once that time has passed.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute()
}
