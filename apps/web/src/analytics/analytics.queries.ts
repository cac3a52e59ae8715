// Analytics reads: the summary counts, downloads per day and one metric across a model's versions.
import { queryOptions, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'

export const analyticsKeys = {
  all: () => ['analytics'] as const,
  summary: () => ['analytics', 'summary'] as const,
  downloads: (days: number) => ['analytics', 'downloads', days] as const,
  metric: (org: string, name: string, metric: string) => ['analytics', 'metric', org, name, metric] as const,
}

export const analyticsQueries = {
  summary: () =>
    queryOptions({
      queryKey: analyticsKeys.summary(),
      queryFn: async () => unwrap(await api.GET('/api/v1/analytics/summary')),
      // Counts change with every stage change, version and deployment elsewhere: opening the page asks again.
      refetchOnMount: 'always',
    }),
  downloads: (days: number) =>
    queryOptions({
      queryKey: analyticsKeys.downloads(days),
      queryFn: async () => unwrap(await api.GET('/api/v1/analytics/downloads', { params: { query: { days } } })),
    }),
  /** Waits until a model is named; an empty metric lets the server pick the first one it has. */
  metric: (org: string, name: string, metric: string) =>
    queryOptions({
      queryKey: analyticsKeys.metric(org, name, metric),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/metrics', {
            params: { path: { org, name }, query: { metric: metric || undefined } },
          }),
        ),
      enabled: name !== '',
    }),
}

export const useAnalyticsSummary = () => useQuery(analyticsQueries.summary())
export const useDownloads = (days: number) => useQuery(analyticsQueries.downloads(days))
export const useMetricTrend = (org: string, name: string, metric: string) =>
  useQuery(analyticsQueries.metric(org, name, metric))
