import type { Kysely, Selectable } from 'kysely'
import { toIso, toIsoOrNull } from '../db/database.js'
import type { Database, DeploymentTable } from '../db/schema.js'
import { decodeCursor, encodeCursor, isIsoTimestamp } from '../domain/cursor.js'
import type { DeploymentRecord, Page } from './records.js'
import { scopeOf, type Viewer, visibleIn } from './visibility.js'

export interface DeploymentFilter {
  /** Only deployments of models this user may see. */
  viewer: Viewer
  modelId?: number
  versionId?: number
  status?: 'active' | 'stopped'
  limit: number
  cursor?: string
}

export class DeploymentRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(d: Omit<DeploymentRecord, 'stoppedAt' | 'stoppedBy' | 'status'>): Promise<DeploymentRecord> {
    await this.db
      .insertInto('deployments')
      .values({
        id: d.id,
        model_id: d.modelId,
        version_id: d.versionId,
        environment: d.environment,
        endpoint: d.endpoint,
        status: 'active',
        started_by: d.startedBy,
        started_at: d.startedAt,
        stopped_by: null,
        stopped_at: null,
      })
      .execute()
    return { ...d, status: 'active', stoppedAt: null, stoppedBy: null }
  }

  async findById(id: string): Promise<DeploymentRecord | undefined> {
    const row = await this.db.selectFrom('deployments').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  /** Marks an active deployment stopped; false when it was not active any more (a concurrent stop won). */
  async stop(id: string, by: string, at: string): Promise<boolean> {
    const res = await this.db
      .updateTable('deployments')
      .set({ status: 'stopped', stopped_by: by, stopped_at: at })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirst()
    return Number(res.numUpdatedRows) === 1
  }

  async listActive(modelId: number, versionId?: number): Promise<DeploymentRecord[]> {
    let q = this.db.selectFrom('deployments').selectAll().where('model_id', '=', modelId).where('status', '=', 'active')
    if (versionId !== undefined) q = q.where('version_id', '=', versionId)
    return (await q.orderBy('started_at', 'asc').execute()).map(toRecord)
  }

  /** Newest first; keyset on (started_at, id). */
  async list(f: DeploymentFilter): Promise<Page<DeploymentRecord>> {
    const visible = await scopeOf(this.db, f.viewer)
    let q = this.db.selectFrom('deployments').selectAll()
    if (!visible.all)
      q = q.where('model_id', 'in', (eb) => eb.selectFrom('models as m').select('m.id').where(visibleIn(visible)))
    if (f.modelId !== undefined) q = q.where('model_id', '=', f.modelId)
    if (f.versionId !== undefined) q = q.where('version_id', '=', f.versionId)
    if (f.status !== undefined) q = q.where('status', '=', f.status)
    if (f.cursor !== undefined) {
      const [at, id] = decodeCursor(
        f.cursor,
        ['string', 'string'],
        ([t, i]) => t !== undefined && isIsoTimestamp(t) && /^[0-9a-f-]{36}$/.test(String(i)),
      )
      q = q.where((eb) =>
        eb.or([
          eb('started_at', '<', String(at)),
          eb.and([eb('started_at', '=', String(at)), eb('id', '<', String(id))]),
        ]),
      )
    }
    const rows = await q
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(f.limit + 1)
      .execute()
    const last = rows.length > f.limit ? rows[f.limit - 1] : undefined
    return {
      items: rows.slice(0, f.limit).map(toRecord),
      nextCursor: last ? encodeCursor([toIso(last.started_at), last.id]) : null,
    }
  }
}

function toRecord(r: Selectable<DeploymentTable>): DeploymentRecord {
  return {
    id: r.id,
    modelId: Number(r.model_id),
    versionId: Number(r.version_id),
    environment: r.environment,
    endpoint: r.endpoint,
    status: r.status as 'active' | 'stopped',
    startedBy: r.started_by,
    startedAt: toIso(r.started_at),
    stoppedBy: r.stopped_by,
    stoppedAt: toIsoOrNull(r.stopped_at),
  }
}
