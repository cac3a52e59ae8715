// Aggregates for the Analytics page, in SQL on both dialects, over the models a viewer may see (visibility.ts).
// Counting happens in the database (GROUP BY, sum); a service gets a few hundred groups at most, never model rows.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import { type Dialect, toIso } from '../db/database.js'
import type { Database, ModelTable } from '../db/schema.js'
import { scopeOf, type Viewer, visibleIn } from './visibility.js'

export interface AnalyticsFilter {
  /** Only the models this user may see. */
  viewer: Viewer
  /** Only the models of this organisation (by name). */
  org?: string
}

/** Models counted by the values of the model, its latest version's status and its top stage (null without versions). */
export interface ModelGroup {
  framework: string
  taskType: string
  modelType: string
  status: string | null
  stage: string | null
  models: number
  versions: number
}

export interface Summary {
  groups: ModelGroup[]
  artifacts: number
  artifactBytes: number
  downloads: number
}

export interface MetricPoint {
  version: string
  value: number
  createdAt: string
}

type ModelCondition = (eb: ExpressionBuilder<Database & { m: ModelTable }, 'm'>) => Expression<SqlBool>

export class AnalyticsRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Models grouped by their values, with their versions, artifacts, bytes and downloads: one GROUP BY over the model
   * rows, which carry those totals (0014-model-summary), never a join to versions, artifacts or download_stats.
   */
  async summary(f: AnalyticsFilter): Promise<Summary> {
    const conditions = await this.conditions(f)
    if (conditions === undefined) return { groups: [], artifacts: 0, artifactBytes: 0, downloads: 0 }
    const rows = await conditions
      .reduce((q, c) => q.where(c), this.db.selectFrom('models as m'))
      // Stage: the most advanced one any version holds (models.top_stage), not the latest version's.
      .select(['m.framework', 'm.task_type', 'm.model_type', 'm.latest_status', 'm.top_stage'])
      .select((eb) => [
        eb.fn.countAll<number | string>().as('models'),
        eb.fn.sum<number | string>('m.version_count').as('versions'),
        eb.fn.sum<number | string>('m.artifact_count').as('artifacts'),
        eb.fn.sum<number | string>('m.artifact_bytes').as('bytes'),
        eb.fn.sum<number | string>('m.download_count').as('downloads'),
      ])
      .groupBy(['m.latest_status', 'm.top_stage', 'm.framework', 'm.task_type', 'm.model_type'])
      .execute()
    const total = (key: 'artifacts' | 'bytes' | 'downloads') => rows.reduce((n, r) => n + Number(r[key]), 0)
    return {
      groups: rows.map((r) => ({
        framework: r.framework,
        taskType: r.task_type,
        modelType: r.model_type,
        status: r.latest_status,
        stage: r.top_stage,
        models: Number(r.models),
        versions: Number(r.versions),
      })),
      artifacts: total('artifacts'),
      artifactBytes: total('bytes'),
      downloads: total('downloads'),
    }
  }

  /** Downloads per UTC day in [from, to] (YYYY-MM-DD) of one model or of every visible one; days without any are absent. */
  async downloadsPerDay(
    f: AnalyticsFilter & { modelId?: number; from: string; to: string },
  ): Promise<{ day: string; count: number }[]> {
    let q = this.db.selectFrom('download_stats as d').where('d.day', '>=', f.from).where('d.day', '<=', f.to)
    if (f.modelId !== undefined) {
      // The caller has checked that the viewer may read this model.
      q = q.where('d.model_id', '=', f.modelId)
    } else {
      const conditions = await this.conditions(f)
      if (conditions === undefined) return []
      q = q.where((eb) => this.ofModels(eb.ref('d.model_id'), conditions))
    }
    const rows = await q
      .select((eb) => ['d.day', eb.fn.sum<number | string>('d.count').as('count')])
      .groupBy('d.day')
      .execute()
    return rows.map((r) => ({ day: r.day, count: Number(r.count) }))
  }

  /** The metric names of the model's highest `window` versions (a bounded range of the (model_id, sort_key) key). */
  async metricNames(modelId: number, window: number): Promise<string[]> {
    const highest = this.db
      .selectFrom('versions')
      .select('metrics')
      .where('model_id', '=', modelId)
      .orderBy('sort_key', 'desc')
      .limit(window)
    const names =
      this.dialect === 'postgres'
        ? sql<{ name: string }>`select distinct jsonb_object_keys(v.metrics) as name from (${highest}) v`
        : sql<{ name: string }>`select distinct j.key as name from (${highest}) v, json_each(v.metrics) j`
    const { rows } = await names.execute(this.db)
    return rows.map((r) => r.name).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  }

  /**
   * The value of one metric in the highest `limit` versions that have it, in semver order: a backward range scan of
   * the (model_id, sort_key) key that stops after `limit` rows.
   */
  async metricPoints(modelId: number, metric: string, limit: number): Promise<MetricPoint[]> {
    // The raw JSON value, tested in WHERE only for presence: PostgreSQL guesses that a test like jsonb_typeof(…) =
    // 'number' keeps 0.5% of rows and then reads all of a large model's versions instead of the highest `limit`
    // (measured: 500 ms vs 3 ms at 200k versions). Values are numbers (MetricsSchema); anything else is left out.
    const value =
      this.dialect === 'postgres'
        ? sql<unknown>`v.metrics -> ${metric}`
        : sql<unknown>`json_extract(v.metrics, ${jsonPath(metric)})`
    const rows = await this.db
      .selectFrom('versions as v')
      .select(['v.version', 'v.created_at', value.as('value')])
      .where('v.model_id', '=', modelId)
      .where(sql<SqlBool>`${value} is not null`)
      .orderBy('v.sort_key', 'desc')
      .limit(limit)
      .execute()
    return rows
      .reverse()
      .flatMap((r) =>
        typeof r.value === 'number' ? [{ version: r.version, value: r.value, createdAt: toIso(r.created_at) }] : [],
      )
  }

  /** `column` is the id of a model that meets the conditions (always true without any: no join to models). */
  private ofModels(column: Expression<number>, conditions: ModelCondition[]): Expression<SqlBool> {
    if (conditions.length === 0) return sql<SqlBool>`1 = 1`
    const ids = conditions.reduce((q, c) => q.where(c), this.db.selectFrom('models as m').select('m.id'))
    return sql<SqlBool>`${column} in (${ids})`
  }

  /** The conditions on models "m" for a filter; undefined when the caller can see nothing at all. */
  private async conditions(f: AnalyticsFilter): Promise<ModelCondition[] | undefined> {
    const conditions: ModelCondition[] = []
    // Visibility first, and the organisation looked up among the caller's own: whether another organisation exists
    // must not change the statements run (model.repository.ts does the same).
    const visible = await scopeOf(this.db, f.viewer)
    // Depends on the caller alone: in no organisation, they see nothing.
    if (!visible.all && visible.orgIds.length === 0) return undefined
    if (f.org !== undefined) {
      // By id, a constant, so that no query joins organisations; an organisation not found matches nothing.
      let lookup = this.db.selectFrom('organisations').select('id').where('name', '=', f.org)
      if (!visible.all) lookup = lookup.where('id', 'in', visible.orgIds)
      const org = await lookup.executeTakeFirst()
      conditions.push(org === undefined ? () => sql<SqlBool>`1 = 0` : (eb) => eb('m.org_id', '=', org.id))
    }
    if (!visible.all) conditions.push(visibleIn(visible))
    if (this.dialect === 'sqlite' && conditions.length > 0) {
      // Without statistics (the registry runs no ANALYZE) SQLite walks the organisation index and fetches every model
      // row in its order, 5x slower than one pass over the table when most models are visible (measured at 100k
      // models: 330 ms vs 50 ms). Inside coalesce() the condition cannot drive an index.
      return [(eb) => sql<SqlBool>`coalesce(${eb.and(conditions.map((c) => c(eb)))}, 0)`]
    }
    return conditions
  }
}

/** A SQLite JSON path to one key; metric names never hold a double quote (MetricsSchema), so quoting is enough. */
const jsonPath = (key: string) => `$."${key}"`
