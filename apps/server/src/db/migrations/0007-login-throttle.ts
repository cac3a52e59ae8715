import type { Kysely } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * Sign-in throttling counters shared by every replica (services/login-throttle.ts): one row per key with its recent
 * hits (ms since the epoch, a JSON array) and when the row may be dropped.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('login_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('hits', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('login_throttle_expires').on('login_throttle').column('expires_at').execute()
}
