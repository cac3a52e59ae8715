// LFS objects of the Hugging Face API in the database, so that the batch call, the PUT of the bytes and the commit
// may each reach a different replica: upload URLs (by their token's sha256) and the holds on bytes received.
import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'
import type { TokenScope } from './credential.repository.js'

export interface HfLfsUpload {
  tokenHash: string
  modelId: number
  userId: string
  /** The scope of the credential that asked for the URL: the PUT acts with no more. */
  scope: TokenScope
  oid: string
  size: number
  /** ms since the epoch. */
  expiresAt: number
  /** Set once the bytes arrived. */
  blobSha256: string | null
}

export class HfLfsObjectRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(upload: HfLfsUpload): Promise<void> {
    await this.db
      .insertInto('hf_lfs_objects')
      .values({
        token_hash: upload.tokenHash,
        model_id: upload.modelId,
        user_id: upload.userId,
        scope: upload.scope,
        oid: upload.oid,
        size: upload.size,
        expires_at: upload.expiresAt,
        blob_sha256: upload.blobSha256,
      })
      .execute()
  }

  async findByToken(tokenHash: string): Promise<HfLfsUpload | undefined> {
    const row = await this.db
      .selectFrom('hf_lfs_objects')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst()
    return (
      row && {
        tokenHash: row.token_hash,
        modelId: Number(row.model_id),
        userId: row.user_id,
        scope: row.scope as TokenScope,
        oid: row.oid,
        size: Number(row.size),
        expiresAt: Number(row.expires_at),
        blobSha256: row.blob_sha256,
      }
    )
  }

  /** The bytes arrived: they are held (their blob row referenced) until `until`. Call in the storing transaction. */
  async markReceived(tokenHash: string, sha256: string, until: number): Promise<void> {
    await this.db
      .updateTable('hf_lfs_objects')
      .set({ blob_sha256: sha256, expires_at: until })
      .where('token_hash', '=', tokenHash)
      .execute()
  }

  /** Which of `oids` this user uploaded to this model and still holds at `now`. */
  async received(modelId: number, userId: string, oids: readonly string[], now: number): Promise<Set<string>> {
    if (oids.length === 0) return new Set()
    const rows = await this.db
      .selectFrom('hf_lfs_objects')
      .select('blob_sha256')
      .where('model_id', '=', modelId)
      .where('user_id', '=', userId)
      .where('blob_sha256', 'in', [...new Set(oids)])
      .where('expires_at', '>', now)
      .execute()
    return new Set(rows.map((r) => r.blob_sha256 ?? ''))
  }

  /** Drops the holds a commit used: the version's files now reference the bytes. */
  async release(modelId: number, userId: string, oids: readonly string[]): Promise<void> {
    if (oids.length === 0) return
    await this.db
      .deleteFrom('hf_lfs_objects')
      .where('model_id', '=', modelId)
      .where('user_id', '=', userId)
      .where('oid', 'in', [...new Set(oids)])
      .execute()
  }

  /** Deletes expired URLs and holds (their bytes become collectable); returns how many. */
  async deleteExpired(now: number): Promise<number> {
    const rows = await this.db
      .deleteFrom('hf_lfs_objects')
      .where('expires_at', '<=', now)
      .returning('token_hash')
      .execute()
    return rows.length
  }
}
