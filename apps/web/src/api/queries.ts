// Server state, one hook per read; keys are shared so a write can refresh exactly what it changed.
import type { ListDeploymentsQuery, ListModelsQuery } from '@modelreg/contract'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, unwrap } from './http'

export const keys = {
  models: (q: ListModelsQuery) => ['models', q] as const,
  model: (org: string, name: string) => ['model', org, name] as const,
  versions: (org: string, name: string) => ['model', org, name, 'versions'] as const,
  version: (org: string, name: string, v: string) => ['model', org, name, 'version', v] as const,
  artifacts: (org: string, name: string, v: string) => ['model', org, name, 'version', v, 'artifacts'] as const,
  stages: (org: string, name: string, v: string) => ['model', org, name, 'version', v, 'stages'] as const,
  events: (org: string, name: string) => ['model', org, name, 'events'] as const,
  deployments: (q: ListDeploymentsQuery) => ['deployments', q] as const,
}

export const useModels = (q: ListModelsQuery) =>
  useQuery({
    queryKey: keys.models(q),
    queryFn: async () => unwrap(await api.GET('/api/v1/models', { params: { query: q } })),
    // Keep the previous page on screen while the next one loads: no layout jump.
    placeholderData: keepPreviousData,
  })

export const useModel = (org: string, name: string) =>
  useQuery({
    queryKey: keys.model(org, name),
    queryFn: async () => unwrap(await api.GET('/api/v1/models/{org}/{name}', { params: { path: { org, name } } })),
  })

export const useVersions = (org: string, name: string) =>
  useQuery({
    queryKey: keys.versions(org, name),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions', {
          params: { path: { org, name }, query: { limit: 200 } },
        }),
      ),
  })

export const useVersion = (org: string, name: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.version(org, name, version ?? ''),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions/{version}', {
          params: { path: { org, name, version: version ?? 'latest' } },
        }),
      ),
    enabled: version !== undefined,
  })

export const useArtifacts = (org: string, name: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.artifacts(org, name, version ?? ''),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions/{version}/artifacts', {
          params: { path: { org, name, version: version ?? '' } },
        }),
      ),
    enabled: version !== undefined,
  })

export const useStageHistory = (org: string, name: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.stages(org, name, version ?? ''),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions/{version}/stages', {
          params: { path: { org, name, version: version ?? '' } },
        }),
      ),
    enabled: version !== undefined,
  })

export const useEvents = (org: string, name: string) =>
  useQuery({
    queryKey: keys.events(org, name),
    queryFn: async () =>
      unwrap(
        await api.GET('/api/v1/models/{org}/{name}/events', {
          params: { path: { org, name }, query: { limit: 50 } },
        }),
      ),
  })

export const useDeployments = (q: ListDeploymentsQuery) =>
  useQuery({
    queryKey: keys.deployments(q),
    queryFn: async () => unwrap(await api.GET('/api/v1/deployments', { params: { query: q } })),
    placeholderData: keepPreviousData,
  })
