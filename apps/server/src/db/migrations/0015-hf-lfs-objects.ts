import type { Kysely } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * LFS objects of the Hugging Face API (compat/hf/hf-write.routes.ts), shared by every replica: one row per upload
 * URL the batch API issued (its token stored as a sha256, like API tokens), for one object, one model and one user.
 * Once the bytes arrived, `blob_sha256` holds them against collection until the committer names them or the row
 * expires (ms since the epoch).
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('hf_lfs_objects')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('model_id', 'bigint', (c) => c.notNull().references('models.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('oid', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('blob_sha256', 'text', (c) => c.references('blobs.sha256'))
    .execute()
  await db.schema
    .createIndex('hf_lfs_objects_holder')
    .on('hf_lfs_objects')
    .columns(['model_id', 'user_id', 'oid'])
    .execute()
  await db.schema.createIndex('hf_lfs_objects_expires').on('hf_lfs_objects').column('expires_at').execute()
  await db.schema.createIndex('hf_lfs_objects_blob').on('hf_lfs_objects').column('blob_sha256').execute()
}
