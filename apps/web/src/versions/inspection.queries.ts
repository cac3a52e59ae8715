// What inspection found in a version's files, and the comparison of two versions, on the server.
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'
import { modelKeys } from '../models/models.queries'
import { versionKeys } from './versions.queries'

export const inspectionKeys = {
  detail: (org: string, name: string, v: string) => [...versionKeys.detail(org, name, v), 'inspection'] as const,
  compare: (org: string, name: string, from: string, to: string) =>
    [...modelKeys.detail(org, name), 'compare', from, to] as const,
}

/** While files await inspection the report is asked again every few seconds, so a verdict appears by itself. */
const PENDING_POLL_MS = 2000

export const inspectionQueries = {
  detail: (org: string, name: string, version: string | undefined) =>
    queryOptions({
      queryKey: inspectionKeys.detail(org, name, version ?? ''),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/versions/{version}/inspection', {
            params: { path: { org, name, version: version ?? '' } },
          }),
        ),
      enabled: version !== undefined,
      refetchInterval: (query) => (query.state.data?.status === 'pending' ? PENDING_POLL_MS : false),
    }),
  compare: (org: string, name: string, from: string, to: string) =>
    queryOptions({
      queryKey: inspectionKeys.compare(org, name, from, to),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/compare', {
            params: { path: { org, name }, query: { from, to } },
          }),
        ),
      enabled: from !== '' && to !== '',
    }),
}

export const useInspection = (org: string, name: string, version: string | undefined) =>
  useQuery(inspectionQueries.detail(org, name, version))
export const useComparison = (org: string, name: string, from: string, to: string) =>
  useQuery(inspectionQueries.compare(org, name, from, to))

export function useRerunInspection(org: string, name: string, version: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST('/api/v1/models/{org}/{name}/versions/{version}/inspection', {
          params: { path: { org, name, version } },
        }),
      ),
    onSuccess: (report) => client.setQueryData(inspectionKeys.detail(org, name, version), report),
  })
}
