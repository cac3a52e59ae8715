import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

/**
 * Rows of stored digests. Artifacts, run artifacts and held Hugging Face LFS uploads reference them by foreign key,
 * which is what makes collection safe.
 */
export class BlobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Records a digest, taking the row lock (PostgreSQL) so a concurrent collection of it waits or loses. */
  async upsert(sha256: string, size: number, now: string): Promise<void> {
    await this.db
      .insertInto('blobs')
      .values({ sha256, size, created_at: now })
      .onConflict((oc) => oc.column('sha256').doUpdateSet({ size }))
      .execute()
  }

  /** Deletes the row if nothing references the digest; true when it did. */
  async deleteIfUnreferenced(sha256: string): Promise<boolean> {
    const rows = await this.db
      .deleteFrom('blobs')
      .where('sha256', '=', sha256)
      .where(({ and, not, exists, selectFrom }) =>
        and([
          not(exists(selectFrom('artifacts').select('artifacts.id').where('artifacts.sha256', '=', sha256))),
          not(
            exists(selectFrom('run_artifacts').select('run_artifacts.path').where('run_artifacts.sha256', '=', sha256)),
          ),
          not(
            exists(
              selectFrom('hf_lfs_objects')
                .select('hf_lfs_objects.token_hash')
                .where('hf_lfs_objects.blob_sha256', '=', sha256),
            ),
          ),
        ]),
      )
      .returning('sha256')
      .execute()
    return rows.length > 0
  }

  /** Digests that no artifact references (left by an interrupted collection). */
  /** Every blob's digest and size, in digest order, a page at a time after `after` (backup, verify). */
  async listPage(after: string, limit: number): Promise<{ sha256: string; size: number }[]> {
    return this.db
      .selectFrom('blobs')
      .select(['sha256', 'size'])
      .where('sha256', '>', after)
      .orderBy('sha256')
      .limit(limit)
      .execute()
  }

  async listUnreferenced(limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('blobs')
      .select('blobs.sha256')
      .where(({ and, not, exists, selectFrom }) =>
        and([
          not(exists(selectFrom('artifacts').select('artifacts.id').whereRef('artifacts.sha256', '=', 'blobs.sha256'))),
          not(
            exists(
              selectFrom('run_artifacts')
                .select('run_artifacts.path')
                .whereRef('run_artifacts.sha256', '=', 'blobs.sha256'),
            ),
          ),
          not(
            exists(
              selectFrom('hf_lfs_objects')
                .select('hf_lfs_objects.token_hash')
                .whereRef('hf_lfs_objects.blob_sha256', '=', 'blobs.sha256'),
            ),
          ),
        ]),
      )
      .limit(limit)
      .execute()
    return rows.map((r) => r.sha256)
  }
}
