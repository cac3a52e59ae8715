import type { Kysely, Selectable } from 'kysely'
import { toIso } from '../db/database.js'
import type { ArtifactTable, Database } from '../db/schema.js'

export interface ArtifactRecord {
  id: number
  versionId: number
  modelId: number
  path: string
  size: number
  sha256: string
  mediaType: string
  createdBy: string
  createdAt: string
  downloadCount: number
}

export class ArtifactRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async listForVersion(versionId: number): Promise<ArtifactRecord[]> {
    const rows = await this.db
      .selectFrom('artifacts')
      .selectAll()
      .where('version_id', '=', versionId)
      .orderBy('path')
      .execute()
    return rows.map(toRecord)
  }

  /** The versions holding any of these blobs (their inspection is theirs). */
  async versionIdsHolding(sha256s: readonly string[]): Promise<number[]> {
    if (sha256s.length === 0) return []
    const rows = await this.db
      .selectFrom('artifacts')
      .select('version_id')
      .distinct()
      .where('sha256', 'in', sha256s)
      .orderBy('version_id')
      .execute()
    return rows.map((r) => Number(r.version_id))
  }

  async find(versionId: number, path: string): Promise<ArtifactRecord | undefined> {
    const row = await this.db
      .selectFrom('artifacts')
      .selectAll()
      .where('version_id', '=', versionId)
      .where('path', '=', path)
      .executeTakeFirst()
    return row && toRecord(row)
  }

  /** Inserts or replaces the file at path; returns the digest it replaced, if any. */
  async put(a: Omit<ArtifactRecord, 'id' | 'downloadCount'>): Promise<{ replaced?: string }> {
    const existing = await this.find(a.versionId, a.path)
    const values = {
      size: a.size,
      sha256: a.sha256,
      media_type: a.mediaType,
      created_by: a.createdBy,
      created_at: a.createdAt,
    }
    if (existing) {
      await this.db.updateTable('artifacts').set(values).where('id', '=', existing.id).execute()
      await this.addToModel(a.modelId, 0, a.size - existing.size)
      return { replaced: existing.sha256 === a.sha256 ? undefined : existing.sha256 }
    }
    await this.db
      .insertInto('artifacts')
      .values({ ...values, version_id: a.versionId, model_id: a.modelId, path: a.path })
      .execute()
    await this.addToModel(a.modelId, 1, a.size)
    return {}
  }

  async delete(id: number): Promise<void> {
    const row = await this.db
      .selectFrom('artifacts')
      .select(['model_id', 'size'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (row === undefined) return
    await this.db.deleteFrom('artifacts').where('id', '=', id).execute()
    await this.addToModel(Number(row.model_id), -1, -Number(row.size))
  }

  /** The model row's artifact totals (0014-model-summary), changed with the artifact rows by the same caller. */
  private async addToModel(modelId: number, count: number, bytes: number): Promise<void> {
    await this.db
      .updateTable('models')
      .set((eb) => ({
        artifact_count: eb('artifact_count', '+', count),
        artifact_bytes: eb('artifact_bytes', '+', bytes),
      }))
      .where('id', '=', modelId)
      .execute()
  }

  async digestsOfModel(modelId: number, versionId?: number): Promise<string[]> {
    let q = this.db.selectFrom('artifacts').select('sha256').distinct().where('model_id', '=', modelId)
    if (versionId !== undefined) q = q.where('version_id', '=', versionId)
    return (await q.execute()).map((r) => r.sha256)
  }

  /** Counts one download of the artifact, its version (per day) and its model; the caller runs it in one transaction. */
  async countDownload(a: ArtifactRecord, day: string): Promise<void> {
    await this.db
      .updateTable('artifacts')
      .set((eb) => ({ download_count: eb('download_count', '+', 1) }))
      .where('id', '=', a.id)
      .execute()
    await this.countVersionDownload(a.modelId, a.versionId, day)
  }

  async countVersionDownload(modelId: number, versionId: number, day: string): Promise<void> {
    await this.db
      .insertInto('download_stats')
      .values({ model_id: modelId, version_id: versionId, day, count: 1 })
      .onConflict((oc) =>
        oc.columns(['version_id', 'day']).doUpdateSet((eb) => ({ count: eb('download_stats.count', '+', 1) })),
      )
      .execute()
    await this.db
      .updateTable('models')
      .set((eb) => ({ download_count: eb('download_count', '+', 1) }))
      .where('id', '=', modelId)
      .execute()
  }
}

function toRecord(r: Selectable<ArtifactTable>): ArtifactRecord {
  return {
    id: Number(r.id),
    versionId: Number(r.version_id),
    modelId: Number(r.model_id),
    path: r.path,
    size: Number(r.size),
    sha256: r.sha256,
    mediaType: r.media_type,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    downloadCount: Number(r.download_count),
  }
}
