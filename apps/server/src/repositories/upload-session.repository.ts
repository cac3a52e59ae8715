import type { Kysely } from 'kysely'
import { toIso } from '../db/database.js'
import type { Database } from '../db/schema.js'

export interface UploadPartRecord {
  number: number
  size: number
  sha256: string
}

export interface UploadSessionRecord {
  id: string
  modelId: number
  versionId: number
  path: string
  expectedSize: number | null
  expectedSha256: string | null
  mediaType: string | null
  createdBy: string
  createdAt: string
  expiresAt: string
  parts: UploadPartRecord[]
}

export class UploadSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: Omit<UploadSessionRecord, 'parts'>): Promise<void> {
    await this.db
      .insertInto('upload_sessions')
      .values({
        id: s.id,
        model_id: s.modelId,
        version_id: s.versionId,
        path: s.path,
        expected_size: s.expectedSize,
        expected_sha256: s.expectedSha256,
        media_type: s.mediaType,
        created_by: s.createdBy,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      })
      .execute()
  }

  async find(id: string): Promise<UploadSessionRecord | undefined> {
    const row = await this.db.selectFrom('upload_sessions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return undefined
    const parts = await this.db
      .selectFrom('upload_parts')
      .select(['number', 'size', 'sha256'])
      .where('upload_id', '=', id)
      .orderBy('number')
      .execute()
    return {
      id: row.id,
      modelId: Number(row.model_id),
      versionId: Number(row.version_id),
      path: row.path,
      expectedSize: row.expected_size === null ? null : Number(row.expected_size),
      expectedSha256: row.expected_sha256,
      mediaType: row.media_type,
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      expiresAt: toIso(row.expires_at),
      parts: parts.map((p) => ({ number: Number(p.number), size: Number(p.size), sha256: p.sha256 })),
    }
  }

  /** Records a received part; a retry of the same number replaces it. */
  async putPart(id: string, part: UploadPartRecord): Promise<void> {
    await this.db
      .insertInto('upload_parts')
      .values({ upload_id: id, ...part })
      .onConflict((oc) => oc.columns(['upload_id', 'number']).doUpdateSet({ size: part.size, sha256: part.sha256 }))
      .execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('upload_sessions').where('id', '=', id).execute()
  }

  async listExpired(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('upload_sessions')
      .select('id')
      .where('expires_at', '<', now)
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }
}
