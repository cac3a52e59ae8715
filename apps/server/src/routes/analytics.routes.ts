import {
  AnalyticsDownloads,
  AnalyticsDownloadsQuery,
  AnalyticsSummary,
  AnalyticsSummaryQuery,
  MetricTrend,
  MetricTrendQuery,
  ModelParams,
} from '@modelreg/contract'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const tags = ['Analytics']

export function analyticsRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/analytics/summary',
    {
      schema: {
        tags,
        summary: 'Model counts for the Analytics page',
        description:
          'Over the models the caller may see (optionally of one organisation): totals, and models by status and stage ' +
          'of their latest version, by framework, task type and model type. Every option is listed, 0 when unused.',
        querystring: AnalyticsSummaryQuery,
        response: { 200: AnalyticsSummary, ...errors },
      },
    },
    async (req) => services.analytics.summary(req.actor, req.query),
  )

  app.get(
    '/api/v1/analytics/downloads',
    {
      schema: {
        tags,
        summary: 'Downloads per day',
        description:
          'One row per UTC day of the last `days` days, today included, 0 for days without downloads; of one model ' +
          '(org/name; 404 when the caller cannot see it) or of every model the caller may see.',
        querystring: AnalyticsDownloadsQuery,
        response: { 200: AnalyticsDownloads, ...errors },
      },
    },
    async (req) => services.analytics.downloads(req.actor, req.query),
  )

  app.get(
    '/api/v1/models/:org/:name/metrics',
    {
      schema: {
        tags,
        summary: 'A metric across the versions of a model',
        description:
          'The value of one metric per version in semver order (versions without it are left out), and the names of ' +
          'every metric the model\u2019s versions have.',
        params: ModelParams,
        querystring: MetricTrendQuery,
        response: { 200: MetricTrend, ...errors },
      },
    },
    async (req) => services.analytics.metricTrend(req.actor, req.params.org, req.params.name, req.query),
  )
}
