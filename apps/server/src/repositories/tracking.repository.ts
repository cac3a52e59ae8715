// Experiments and runs (the tracking side MLflow's clients log to), and the files runs log, referencing blobs.
import { type Expression, type ExpressionBuilder, type Kysely, type Selectable, type SqlBool, sql } from 'kysely'
import { type Dialect, toIso } from '../db/database.js'
import type { Database, ExperimentTable, RunTable } from '../db/schema.js'
import { likeMatch } from './registry-search.repository.js'
import { scopeOf, type Viewer, visibleIn } from './visibility.js'

export interface ExperimentRecord {
  id: number
  orgId: string
  name: string
  lifecycleStage: string
  createdBy: string
  createdAt: string
  updatedAt: string
}

export interface RunRecord {
  id: string
  experimentId: number
  orgId: string
  name: string
  status: string
  lifecycleStage: string
  createdBy: string
  startTime: number
  endTime: number | null
}

export interface KeyValue {
  key: string
  value: string
}

export interface MetricValue {
  key: string
  value: number
  timestamp: number
  step: number
}

export interface RunArtifactRecord {
  runId: string
  path: string
  size: number
  sha256: string
  mediaType: string
  createdAt: string
}

/** A comparison search_runs filters by: a metric's latest value, a param, a tag, or a run attribute. */
export type RunSearchClause =
  | { kind: 'metric'; key: string; op: NumberOp; value: number }
  | { kind: 'param' | 'tag'; key: string; op: StringOp; value: string }
  | {
      kind: 'attribute'
      key: 'run_id' | 'run_name' | 'status' | 'user_id' | 'lifecycle_stage'
      op: StringOp
      value: string
    }
  | { kind: 'attribute'; key: 'run_id'; op: 'IN'; value: string[] }
  | { kind: 'attribute'; key: 'start_time' | 'end_time'; op: NumberOp; value: number }
type NumberOp = '=' | '!=' | '<' | '<=' | '>' | '>='
type StringOp = '=' | '!=' | 'LIKE' | 'ILIKE'
type RunEb = ExpressionBuilder<Database & { r: Database['runs'] }, 'r'>

const RUN_COLUMNS = {
  run_id: 'r.id',
  run_name: 'r.name',
  status: 'r.status',
  user_id: 'r.created_by',
  lifecycle_stage: 'r.lifecycle_stage',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
} as const

export class TrackingRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  async insertExperiment(e: {
    orgId: string
    name: string
    createdBy: string
    now: string
  }): Promise<ExperimentRecord> {
    const { id } = await this.db
      .insertInto('experiments')
      .values({
        org_id: e.orgId,
        name: e.name,
        lifecycle_stage: 'active',
        created_by: e.createdBy,
        created_at: e.now,
        updated_at: e.now,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return (await this.findExperiment(Number(id))) as ExperimentRecord
  }

  async findExperiment(id: number): Promise<ExperimentRecord | undefined> {
    const row = await this.db.selectFrom('experiments').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toExperiment(row)
  }

  async findExperimentByName(orgId: string, name: string): Promise<ExperimentRecord | undefined> {
    const row = await this.db
      .selectFrom('experiments')
      .selectAll()
      .where('org_id', '=', orgId)
      .where('name', '=', name)
      .executeTakeFirst()
    return row && toExperiment(row)
  }

  /** A page of an organisation's experiments, newest first. */
  async listExperiments(orgId: string, offset: number, limit: number): Promise<ExperimentRecord[]> {
    const rows = await this.db
      .selectFrom('experiments')
      .selectAll()
      .where('org_id', '=', orgId)
      .orderBy('id', 'desc')
      .offset(offset)
      .limit(limit)
      .execute()
    return rows.map(toExperiment)
  }

  async insertRun(r: Omit<RunRecord, 'orgId' | 'lifecycleStage' | 'endTime'>): Promise<void> {
    await this.db
      .insertInto('runs')
      .values({
        id: r.id,
        experiment_id: r.experimentId,
        name: r.name,
        status: r.status,
        lifecycle_stage: 'active',
        created_by: r.createdBy,
        start_time: r.startTime,
        end_time: null,
      })
      .execute()
  }

  async findRun(id: string): Promise<RunRecord | undefined> {
    const row = await this.db
      .selectFrom('runs as r')
      .innerJoin('experiments as e', 'e.id', 'r.experiment_id')
      .selectAll('r')
      .select('e.org_id')
      .where('r.id', '=', id)
      .executeTakeFirst()
    return row && toRun(row)
  }

  async updateRun(id: string, c: { status?: string; endTime?: number | null; name?: string }): Promise<void> {
    const set = {
      ...(c.status !== undefined && { status: c.status }),
      ...(c.endTime !== undefined && { end_time: c.endTime }),
      ...(c.name !== undefined && { name: c.name }),
    }
    if (Object.keys(set).length === 0) return
    await this.db.updateTable('runs').set(set).where('id', '=', id).execute()
  }

  /** A page of the runs of these experiments, newest first. */
  /** A page of the runs of these experiments matching every clause, newest first. */
  async listRuns(
    experimentIds: number[],
    offset: number,
    limit: number,
    clauses: readonly RunSearchClause[] = [],
  ): Promise<RunRecord[]> {
    if (experimentIds.length === 0) return []
    let query = this.db
      .selectFrom('runs as r')
      .innerJoin('experiments as e', 'e.id', 'r.experiment_id')
      .selectAll('r')
      .select('e.org_id')
      .where('r.experiment_id', 'in', experimentIds)
    for (const c of clauses) query = query.where((eb) => this.runClause(eb as unknown as RunEb, c))
    const rows = await query.orderBy('r.start_time', 'desc').orderBy('r.id').offset(offset).limit(limit).execute()
    return rows.map(toRun)
  }

  /** One clause as SQL with bound values; a metric compares its latest value (highest step, then time). */
  private runClause(eb: RunEb, c: RunSearchClause): Expression<SqlBool> {
    if (c.kind === 'metric') {
      const latest = eb
        .selectFrom('run_metrics as x')
        .select('x.value')
        .whereRef('x.run_id', '=', 'r.id')
        .where('x.key', '=', c.key)
        .orderBy('x.step', 'desc')
        .orderBy('x.timestamp', 'desc')
        .orderBy('x.value', 'desc')
        .limit(1)
      return eb(latest, c.op, c.value)
    }
    if (c.kind === 'param' || c.kind === 'tag') {
      const table = c.kind === 'param' ? 'run_params' : 'run_tags'
      return eb.exists(
        eb
          .selectFrom(`${table} as x` as 'run_params as x')
          .select(sql.lit(1).as('one'))
          .whereRef('x.run_id', '=', 'r.id')
          .where('x.key', '=', c.key)
          .where((inner) =>
            c.op === 'LIKE' || c.op === 'ILIKE'
              ? likeMatch(this.dialect, sql.ref('x.value'), c.op, c.value)
              : inner('x.value', c.op, c.value),
          ),
      )
    }
    const ref = sql.ref(RUN_COLUMNS[c.key as keyof typeof RUN_COLUMNS])
    if (c.op === 'IN') return eb(ref, 'in', c.value)
    if (c.op === 'LIKE' || c.op === 'ILIKE') return likeMatch(this.dialect, ref, c.op, String(c.value))
    return eb(ref, c.op, c.value)
  }

  /** A page of one metric's values of a run, in logging order (step, then time). */
  async metricHistory(runId: string, key: string, offset: number, limit: number): Promise<MetricValue[]> {
    const rows = await this.db
      .selectFrom('run_metrics')
      .selectAll()
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .orderBy('step')
      .orderBy('timestamp')
      .offset(offset)
      .limit(limit)
      .execute()
    return rows.map((r) => ({
      key: r.key,
      value: Number(r.value),
      timestamp: Number(r.timestamp),
      step: Number(r.step),
    }))
  }

  /** A page of an organisation's experiments whose name matches (LIKE/ILIKE/=/!=), newest first. */
  async searchExperiments(
    orgId: string,
    clauses: readonly { op: StringOp; value: string }[],
    offset: number,
    limit: number,
  ): Promise<ExperimentRecord[]> {
    let query = this.db.selectFrom('experiments').selectAll().where('org_id', '=', orgId)
    for (const c of clauses) {
      query = query.where((eb) =>
        c.op === 'LIKE' || c.op === 'ILIKE'
          ? likeMatch(this.dialect, sql.ref('name'), c.op, c.value)
          : eb('name', c.op, c.value),
      )
    }
    const rows = await query.orderBy('id', 'desc').offset(offset).limit(limit).execute()
    return rows.map(toExperiment)
  }

  /** The value already logged for a param, if any (a param is written once). */
  async findParam(runId: string, key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('run_params')
      .select('value')
      .where('run_id', '=', runId)
      .where('key', '=', key)
      .executeTakeFirst()
    return row?.value
  }

  async insertParam(runId: string, p: KeyValue): Promise<void> {
    await this.db
      .insertInto('run_params')
      .values({ run_id: runId, ...p })
      .onConflict((oc) => oc.columns(['run_id', 'key']).doNothing())
      .execute()
  }

  async setTag(runId: string, t: KeyValue): Promise<void> {
    await this.db
      .insertInto('run_tags')
      .values({ run_id: runId, ...t })
      .onConflict((oc) => oc.columns(['run_id', 'key']).doUpdateSet({ value: t.value }))
      .execute()
  }

  async deleteTag(runId: string, key: string): Promise<void> {
    await this.db.deleteFrom('run_tags').where('run_id', '=', runId).where('key', '=', key).execute()
  }

  async insertMetrics(runId: string, metrics: MetricValue[]): Promise<void> {
    if (metrics.length === 0) return
    await this.db
      .insertInto('run_metrics')
      .values(metrics.map((m) => ({ run_id: runId, ...m })))
      .execute()
  }

  async paramsOf(runIds: string[]): Promise<Map<string, KeyValue[]>> {
    return this.keyValuesOf('run_params', runIds)
  }

  async tagsOf(runIds: string[]): Promise<Map<string, KeyValue[]>> {
    return this.keyValuesOf('run_tags', runIds)
  }

  private async keyValuesOf(table: 'run_params' | 'run_tags', runIds: string[]): Promise<Map<string, KeyValue[]>> {
    const out = new Map<string, KeyValue[]>(runIds.map((id) => [id, []]))
    if (runIds.length === 0) return out
    const rows = await this.db.selectFrom(table).selectAll().where('run_id', 'in', runIds).orderBy('key').execute()
    for (const r of rows) out.get(r.run_id)?.push({ key: r.key, value: r.value })
    return out
  }

  /** Each run's metrics at their last value: the highest step, then the latest timestamp. */
  async latestMetricsOf(runIds: string[]): Promise<Map<string, MetricValue[]>> {
    const out = new Map<string, MetricValue[]>(runIds.map((id) => [id, []]))
    if (runIds.length === 0) return out
    const rows = await this.db
      .selectFrom('run_metrics')
      .selectAll()
      .where('run_id', 'in', runIds)
      .orderBy('run_id')
      .orderBy('key')
      .orderBy('step', 'desc')
      .orderBy('timestamp', 'desc')
      .orderBy(sql`value`, 'desc')
      .execute()
    let last = ''
    for (const r of rows) {
      const id = `${r.run_id}\u0000${r.key}`
      if (id === last) continue
      last = id
      out
        .get(r.run_id)
        ?.push({ key: r.key, value: Number(r.value), timestamp: Number(r.timestamp), step: Number(r.step) })
    }
    return out
  }

  async putArtifact(a: RunArtifactRecord): Promise<{ replaced?: string }> {
    const existing = await this.findArtifact(a.runId, a.path)
    const values = { size: a.size, sha256: a.sha256, media_type: a.mediaType, created_at: a.createdAt }
    if (existing) {
      await this.db
        .updateTable('run_artifacts')
        .set(values)
        .where('run_id', '=', a.runId)
        .where('path', '=', a.path)
        .execute()
      return { replaced: existing.sha256 === a.sha256 ? undefined : existing.sha256 }
    }
    await this.db
      .insertInto('run_artifacts')
      .values({ ...values, run_id: a.runId, path: a.path })
      .execute()
    return {}
  }

  async findArtifact(runId: string, path: string): Promise<RunArtifactRecord | undefined> {
    const row = await this.db
      .selectFrom('run_artifacts')
      .selectAll()
      .where('run_id', '=', runId)
      .where('path', '=', path)
      .executeTakeFirst()
    return row && toArtifact(row)
  }

  /** The run's files under `prefix` ('' for all), in path order. */
  async listArtifacts(runId: string, prefix: string): Promise<RunArtifactRecord[]> {
    let q = this.db.selectFrom('run_artifacts').selectAll().where('run_id', '=', runId)
    if (prefix !== '') {
      q = q.where('path', '>=', `${prefix}/`).where('path', '<', `${prefix}0`)
    }
    return (await q.orderBy('path').execute()).map(toArtifact)
  }

  /** Versions registered from a run, with their model, that the viewer may see. */
  async versionsOfRun(
    runId: string,
    viewer: Viewer,
  ): Promise<{ org: string; model: string; version: string; sequence: number }[]> {
    return (await this.versionsOfRuns([runId], viewer)).get(runId) ?? []
  }

  /** The versions registered from each of these runs that the viewer may see, by run id, oldest first. */
  async versionsOfRuns(
    runIds: string[],
    viewer: Viewer,
  ): Promise<Map<string, { org: string; model: string; version: string; sequence: number }[]>> {
    const out = new Map<string, { org: string; model: string; version: string; sequence: number }[]>(
      runIds.map((id) => [id, []]),
    )
    if (runIds.length === 0) return out
    const scope = await scopeOf(this.db, viewer)
    const rows = await this.db
      .selectFrom('versions as v')
      .innerJoin('models as m', 'm.id', 'v.model_id')
      .innerJoin('organisations as o', 'o.id', 'm.org_id')
      .select(['v.run_id', 'o.name as org', 'm.name as model', 'v.version', 'v.sequence'])
      .where('v.run_id', 'in', runIds)
      .where(visibleIn(scope))
      .orderBy('v.id')
      .execute()
    for (const r of rows) {
      out.get(r.run_id ?? '')?.push({ org: r.org, model: r.model, version: r.version, sequence: Number(r.sequence) })
    }
    return out
  }

  async deleteArtifact(runId: string, path: string): Promise<void> {
    await this.db.deleteFrom('run_artifacts').where('run_id', '=', runId).where('path', '=', path).execute()
  }
}

function toExperiment(r: Selectable<ExperimentTable>): ExperimentRecord {
  return {
    id: Number(r.id),
    orgId: r.org_id,
    name: r.name,
    lifecycleStage: r.lifecycle_stage,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  }
}

function toRun(r: Selectable<RunTable> & { org_id: string }): RunRecord {
  return {
    id: r.id,
    experimentId: Number(r.experiment_id),
    orgId: r.org_id,
    name: r.name,
    status: r.status,
    lifecycleStage: r.lifecycle_stage,
    createdBy: r.created_by,
    startTime: Number(r.start_time),
    endTime: r.end_time === null ? null : Number(r.end_time),
  }
}

function toArtifact(r: Selectable<Database['run_artifacts']>): RunArtifactRecord {
  return {
    runId: r.run_id,
    path: r.path,
    size: Number(r.size),
    sha256: r.sha256,
    mediaType: r.media_type,
    createdAt: toIso(r.created_at),
  }
}
