import type { Kysely } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * The sha256 of an upload session's file, computed as its parts arrive (decision 0029): `hashed_parts` parts, from
 * the first on, have gone through the hash whose exportable state is `hash_state` (base64), and `parts_arriving`
 * counts the parts being received right now, on any replica (a part waiting to join the hash waits only while
 * another may still come).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .alterTable('upload_sessions')
    .addColumn('hashed_parts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('upload_sessions').addColumn('hash_state', 'text').execute()
  await db.schema
    .alterTable('upload_sessions')
    .addColumn('parts_arriving', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}
