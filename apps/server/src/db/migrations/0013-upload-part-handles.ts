import type { Kysely } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * What the part store needs to find a session's parts again (blobs/part-store.ts): its handle for the session (S3:
 * the id of the session's multipart upload) and a tag per part (S3: the multipart part's ETag). Null for stores
 * that need neither, and for sessions started before this migration (their parts stay objects).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('upload_sessions').addColumn('store_handle', 'text').execute()
  await db.schema.alterTable('upload_parts').addColumn('store_tag', 'text').execute()
}
