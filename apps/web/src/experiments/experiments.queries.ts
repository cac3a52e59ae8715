// Experiments and runs (the tracking store MLflow clients write to), read through the native API with the SDK.
import type { Run } from '@modelreg/contract'
import { queryOptions, useQuery } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'

export type { Run }

export const experimentKeys = {
  list: (org: string) => ['experiments', org] as const,
  runs: (org: string, id: string) => ['experiments', org, id, 'runs'] as const,
  files: (org: string, runId: string) => ['experiments', org, 'files', runId] as const,
}

export const experimentQueries = {
  list: (org: string) =>
    queryOptions({
      queryKey: experimentKeys.list(org),
      queryFn: async () =>
        (await unwrap(await api.GET('/api/v1/orgs/{org}/experiments', { params: { path: { org } } }))).items,
    }),
  /** The experiment's runs (newest first), each with the versions registered from it. */
  runs: (org: string, id: string) =>
    queryOptions({
      queryKey: experimentKeys.runs(org, id),
      queryFn: async () =>
        (await unwrap(await api.GET('/api/v1/orgs/{org}/experiments/{id}/runs', { params: { path: { org, id } } })))
          .items,
    }),
  /** The top folder of a run's files. */
  files: (org: string, runId: string) =>
    queryOptions({
      queryKey: experimentKeys.files(org, runId),
      queryFn: async () =>
        (await unwrap(await api.GET('/api/v1/orgs/{org}/runs/{runId}/files', { params: { path: { org, runId } } })))
          .items,
    }),
}

export const useExperiments = (org: string) => useQuery(experimentQueries.list(org))
export const useRuns = (org: string, id: string | undefined) =>
  useQuery({ ...experimentQueries.runs(org, id ?? ''), enabled: id !== undefined })
export const useRunFiles = (org: string, runId: string | undefined) =>
  useQuery({ ...experimentQueries.files(org, runId ?? ''), enabled: runId !== undefined })
