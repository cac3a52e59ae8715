// The Analytics page: counts over the models a caller may see, downloads per day and a metric across versions.
import { type Static, type TSchema, Type } from 'typebox'
import { Line, Nullable, Timestamp } from './common.js'
import { FrameworkSchema, ModelTypeSchema, StageSchema, StatusSchema, TaskTypeSchema } from './models.js'

const Count = Type.Integer({ minimum: 0 })
/** One bar of a chart: every option of the list appears, with 0 when no model has it, in the option list's order. */
const countsOf = <T extends TSchema>(key: T, description: string) =>
  Type.Array(Type.Object({ key, count: Count }), { description })

const ModelRef = Line({ minLength: 3, maxLength: 200, description: 'org/name' })
const OrgFilter = Line({ minLength: 1, maxLength: 64, description: 'Only the models of this organisation.' })

export const AnalyticsSummaryQuery = Type.Object({ org: Type.Optional(OrgFilter) }, { additionalProperties: false })
export type AnalyticsSummaryQuery = Static<typeof AnalyticsSummaryQuery>

export const AnalyticsSummary = Type.Object(
  {
    totals: Type.Object({
      models: Count,
      versions: Count,
      artifacts: Count,
      artifactBytes: Type.Integer({
        minimum: 0,
        description: 'Sum of artifact sizes; bytes shared by several artifacts count each time.',
      }),
      downloads: Type.Integer({ minimum: 0, description: 'Every download counted so far (files and archives).' }),
    }),
    byStatus: countsOf(StatusSchema, 'Models by the status of their latest version.'),
    byStage: countsOf(
      StageSchema,
      "Models by the most advanced stage any of their versions holds (a model's topStage), not only the latest.",
    ),
    byFramework: countsOf(FrameworkSchema, 'Models by framework.'),
    byTaskType: countsOf(TaskTypeSchema, 'Models by task type.'),
    byModelType: countsOf(ModelTypeSchema, 'Models by model type.'),
  },
  {
    description:
      'Over the models the caller may see. A model without versions counts in totals and the model-level lists only.',
  },
)
export type AnalyticsSummary = Static<typeof AnalyticsSummary>

export const AnalyticsDownloadsQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 366, default: 30, description: 'UTC days up to and including today.' }),
    ),
    model: Type.Optional(ModelRef),
    org: Type.Optional(OrgFilter),
  },
  { additionalProperties: false },
)
export type AnalyticsDownloadsQuery = Static<typeof AnalyticsDownloadsQuery>

const Day = Type.String({ format: 'date', description: 'UTC day, YYYY-MM-DD.' })

export const AnalyticsDownloads = Type.Object(
  {
    from: Day,
    to: Day,
    days: Type.Array(Type.Object({ day: Day, count: Count }), {
      description: 'One row per day from `from` to `to`, oldest first; days without downloads have 0.',
    }),
    total: Count,
  },
  { description: 'Downloads (files and archives) per UTC day.' },
)
export type AnalyticsDownloads = Static<typeof AnalyticsDownloads>

export const MetricName = Type.String({ pattern: '^[A-Za-z0-9_.:/ -]{1,128}$', description: 'A metric name.' })

export const MetricTrendQuery = Type.Object(
  {
    metric: Type.Optional(MetricName),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 200,
        description: 'At most this many points: those of the highest versions.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type MetricTrendQuery = Static<typeof MetricTrendQuery>

export const MetricTrend = Type.Object(
  {
    metrics: Type.Array(Type.String(), {
      description: 'The metric names the model\u2019s versions have (its highest 1,000 versions), sorted.',
    }),
    metric: Nullable(
      Type.String({ description: 'The metric of `points`: the one asked for, else the first of `metrics`.' }),
    ),
    points: Type.Array(Type.Object({ version: Type.String(), value: Type.Number(), createdAt: Timestamp }), {
      description: 'Versions that have the metric, in semver order (1.10.0 after 1.9.0).',
    }),
  },
  { description: 'One metric across the versions of a model.' },
)
export type MetricTrend = Static<typeof MetricTrend>
