// Versions of a model on the server: their keys (under the model's, see modelKeys.detail), reads and writes.
import type { Artifact, ChangeStageBody, CreateVersionBody } from '@modelreg/contract'
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, artifactUrl, unwrap } from '../api/http'
import { modelKeys, refreshModel } from '../models/models.queries'

export const versionKeys = {
  list: (org: string, name: string) => [...modelKeys.detail(org, name), 'versions'] as const,
  detail: (org: string, name: string, v: string) => [...modelKeys.detail(org, name), 'version', v] as const,
  artifacts: (org: string, name: string, v: string) => [...versionKeys.detail(org, name, v), 'artifacts'] as const,
  stages: (org: string, name: string, v: string) => [...versionKeys.detail(org, name, v), 'stages'] as const,
  /** Keyed by the file's digest: new bytes under the same path are another card. */
  readme: (org: string, name: string, v: string, sha256: string | undefined) =>
    [...versionKeys.detail(org, name, v), 'readme', sha256] as const,
}

/** A README.md larger than this is not shown as the model card. */
export const MAX_CARD_BYTES = 512 * 1024

export const versionQueries = {
  list: (org: string, name: string) =>
    queryOptions({
      queryKey: versionKeys.list(org, name),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/versions', {
            params: { path: { org, name }, query: { limit: 200 } },
          }),
        ),
    }),
  /** Waits (enabled: false) until there is a version to ask for. */
  detail: (org: string, name: string, version: string | undefined) =>
    queryOptions({
      queryKey: versionKeys.detail(org, name, version ?? ''),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/versions/{version}', {
            params: { path: { org, name, version: version ?? 'latest' } },
          }),
        ),
      enabled: version !== undefined,
    }),
  artifacts: (org: string, name: string, version: string | undefined) =>
    queryOptions({
      queryKey: versionKeys.artifacts(org, name, version ?? ''),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/versions/{version}/artifacts', {
            params: { path: { org, name, version: version ?? '' } },
          }),
        ),
      enabled: version !== undefined,
    }),
  stages: (org: string, name: string, version: string | undefined) =>
    queryOptions({
      queryKey: versionKeys.stages(org, name, version ?? ''),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/models/{org}/{name}/versions/{version}/stages', {
            params: { path: { org, name, version: version ?? '' } },
          }),
        ),
      enabled: version !== undefined,
    }),
  /** The text of a README.md artifact, fetched as bytes (the raw artifact route has no typed call). */
  readme: (org: string, name: string, version: string, readme: Artifact | undefined) =>
    queryOptions({
      queryKey: versionKeys.readme(org, name, version, readme?.sha256),
      queryFn: async () => {
        const res = await fetch(artifactUrl(org, name, version, readme?.path ?? ''), { credentials: 'same-origin' })
        if (!res.ok) throw new Error(`README.md could not be read (HTTP ${res.status})`)
        return res.text()
      },
      enabled: readme !== undefined && readme.size <= MAX_CARD_BYTES,
      // Keyed by digest: the same key is always the same text.
      staleTime: Number.POSITIVE_INFINITY,
    }),
}

export const useVersions = (org: string, name: string) => useQuery(versionQueries.list(org, name))
export const useVersion = (org: string, name: string, version: string | undefined) =>
  useQuery(versionQueries.detail(org, name, version))
export const useArtifacts = (org: string, name: string, version: string | undefined) =>
  useQuery(versionQueries.artifacts(org, name, version))
export const useStageHistory = (org: string, name: string, version: string | undefined) =>
  useQuery(versionQueries.stages(org, name, version))

/**
 * Creates the version only; the dialog uploads its files next and then calls refresh(), so the model's page and
 * the lists are asked again once, with the files in.
 */
export function useCreateVersion(org: string, name: string) {
  const client = useQueryClient()
  const create = useMutation({
    mutationFn: async (body: CreateVersionBody) =>
      unwrap(await api.POST('/api/v1/models/{org}/{name}/versions', { params: { path: { org, name } }, body })),
  })
  return { create, refresh: () => refreshModel(client, org, name) }
}

export function useChangeStage(org: string, name: string, version: string, { onSuccess }: { onSuccess?(): void } = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: ChangeStageBody) =>
      unwrap(
        await api.POST('/api/v1/models/{org}/{name}/versions/{version}/stage', {
          params: { path: { org, name, version } },
          body,
        }),
      ),
    onSuccess: async () => {
      await refreshModel(client, org, name)
      onSuccess?.()
    },
  })
}
