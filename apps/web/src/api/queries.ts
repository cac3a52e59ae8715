// Server state, one hook per read; keys are shared so a write can refresh exactly what it changed.
import type {
  ArtifactList,
  Deployment,
  ListModelsQuery,
  Model,
  ModelPage,
  RegistryEvent,
  StageHistory,
  Version,
  VersionPage,
} from '@modelreg/contract'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, modelPath, type Query, versionPath } from './http'

export interface DeploymentPage {
  items: Deployment[]
  nextCursor: string | null
}

export const keys = {
  models: (q: ListModelsQuery) => ['models', q] as const,
  model: (org: string, name: string) => ['model', org, name] as const,
  versions: (org: string, name: string) => ['model', org, name, 'versions'] as const,
  version: (org: string, name: string, v: string) => ['model', org, name, 'version', v] as const,
  artifacts: (org: string, name: string, v: string) => ['model', org, name, 'version', v, 'artifacts'] as const,
  stages: (org: string, name: string, v: string) => ['model', org, name, 'version', v, 'stages'] as const,
  events: (org: string, name: string) => ['model', org, name, 'events'] as const,
  deployments: (q: Query) => ['deployments', q] as const,
}

export const useModels = (q: ListModelsQuery) =>
  useQuery({
    queryKey: keys.models(q),
    queryFn: () => api<ModelPage>('GET', '/api/v1/models', { query: q as Query }),
    // Keep the previous page on screen while the next one loads: no layout jump.
    placeholderData: keepPreviousData,
  })

export const useModel = (org: string, name: string) =>
  useQuery({ queryKey: keys.model(org, name), queryFn: () => api<Model>('GET', modelPath(org, name)) })

export const useVersions = (org: string, name: string) =>
  useQuery({
    queryKey: keys.versions(org, name),
    queryFn: () => api<VersionPage>('GET', `${modelPath(org, name)}/versions`, { query: { limit: 200 } }),
  })

export const useVersion = (org: string, name: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.version(org, name, version ?? ''),
    queryFn: () => api<Version>('GET', versionPath(org, name, version ?? 'latest')),
    enabled: version !== undefined,
  })

export const useArtifacts = (org: string, name: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.artifacts(org, name, version ?? ''),
    queryFn: () => api<ArtifactList>('GET', `${versionPath(org, name, version ?? '')}/artifacts`),
    enabled: version !== undefined,
  })

export const useStageHistory = (org: string, name: string, version: string | undefined) =>
  useQuery({
    queryKey: keys.stages(org, name, version ?? ''),
    queryFn: () => api<StageHistory>('GET', `${versionPath(org, name, version ?? '')}/stages`),
    enabled: version !== undefined,
  })

export const useEvents = (org: string, name: string) =>
  useQuery({
    queryKey: keys.events(org, name),
    queryFn: () => api<{ items: RegistryEvent[] }>('GET', `${modelPath(org, name)}/events`, { query: { limit: 50 } }),
  })

export const useDeployments = (q: Query) =>
  useQuery({
    queryKey: keys.deployments(q),
    queryFn: () => api<DeploymentPage>('GET', '/api/v1/deployments', { query: q }),
    placeholderData: keepPreviousData,
  })
