// The Analytics page: counts over the models the caller may see, with every option present so charts keep their bars.
import {
  type AnalyticsDownloads,
  type AnalyticsDownloadsQuery,
  type AnalyticsSummary,
  type AnalyticsSummaryQuery,
  frameworkOptions,
  keysOf,
  type MetricTrend,
  type MetricTrendQuery,
  modelTypeOptions,
  stageOptions,
  statusOptions,
  taskTypeOptions,
} from '@modelreg/contract'
import { parseModelRef } from '../domain/names.js'
import { ValidationError } from '../errors.js'
import type { ModelGroup } from '../repositories/analytics.repository.js'
import { type AccessUses, readableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'

const DAY_MS = 24 * 60 * 60 * 1000
/** Metric names come from this many of the highest versions, so that a model with 200k versions stays one bounded read. */
const NAMES_WINDOW = 1000

/** The repositories this module uses (its named dependencies). */
type Uses = 'analytics' | AccessUses

export class AnalyticsService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async summary(actor: Actor, query: AnalyticsSummaryQuery): Promise<AnalyticsSummary> {
    const repos = this.deps.store.pool
    const { groups, ...totals } = await repos.analytics.summary({ viewer: actor, org: query.org })
    return {
      totals: { models: sum(groups, () => true), versions: groups.reduce((n, g) => n + g.versions, 0), ...totals },
      byStatus: countBy(groups, keysOf(statusOptions), (g) => g.status),
      byStage: countBy(groups, keysOf(stageOptions), (g) => g.stage),
      byFramework: countBy(groups, keysOf(frameworkOptions), (g) => g.framework),
      byTaskType: countBy(groups, keysOf(taskTypeOptions), (g) => g.taskType),
      byModelType: countBy(groups, keysOf(modelTypeOptions), (g) => g.modelType),
    }
  }

  /** Downloads per UTC day of the last `days` days (today included), zero-filled; of one model or every visible one. */
  async downloads(actor: Actor, query: AnalyticsDownloadsQuery): Promise<AnalyticsDownloads> {
    const repos = this.deps.store.pool
    let modelId: number | undefined
    if (query.model !== undefined) {
      if (query.org !== undefined) {
        throw new ValidationError('give "model" or "org", not both: a model names its organisation', { field: 'org' })
      }
      const ref = parseModelRef(query.model)
      modelId = (await readableModel(repos, actor, ref.org, ref.name)).id
    }
    const days = utcDays(this.deps.clock(), query.days ?? 30)
    const from = days[0] as string
    const to = days[days.length - 1] as string
    const rows = await repos.analytics.downloadsPerDay({ viewer: actor, org: query.org, modelId, from, to })
    const counted = new Map(rows.map((r) => [r.day, r.count]))
    return {
      from,
      to,
      days: days.map((day) => ({ day, count: counted.get(day) ?? 0 })),
      total: rows.reduce((n, r) => n + r.count, 0),
    }
  }

  /** One metric across a model's versions in semver order, and the names of all its metrics to choose from. */
  async metricTrend(actor: Actor, org: string, name: string, query: MetricTrendQuery): Promise<MetricTrend> {
    const repos = this.deps.store.pool
    const model = await readableModel(repos, actor, org, name)
    const metrics = await repos.analytics.metricNames(model.id, NAMES_WINDOW)
    const metric = query.metric ?? metrics[0] ?? null
    const points = metric === null ? [] : await repos.analytics.metricPoints(model.id, metric, query.limit ?? 200)
    return { metrics, metric, points }
  }
}

/** Models per option, in the option list's order; every option is present, with 0 when no model has it. */
function countBy<K extends string>(
  groups: ModelGroup[],
  options: K[],
  keyOf: (g: ModelGroup) => string | null,
): { key: K; count: number }[] {
  return options.map((key) => ({ key, count: sum(groups, (g) => keyOf(g) === key) }))
}

function sum(groups: ModelGroup[], where: (g: ModelGroup) => boolean): number {
  return groups.reduce((n, g) => (where(g) ? n + g.models : n), 0)
}

/** The `n` UTC days (YYYY-MM-DD) ending on the day of `now`, oldest first. */
function utcDays(now: string, n: number): string[] {
  const today = Date.parse(`${now.slice(0, 10)}T00:00:00.000Z`)
  return Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * DAY_MS).toISOString().slice(0, 10))
}
