// Models on the server: their query keys, reads (TanStack queryOptions) and writes, each write with what it refreshes.
// Everything read about one model is keyed under modelKeys.detail(org, name), so one invalidation refreshes it all.
import type { CreateModelBody, ListModelsQuery, Model, UpdateModelBody, UpdateVersionBody } from '@modelreg/contract'
import {
  keepPreviousData,
  type QueryClient,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query'
import { api, unwrap } from '../api/http'

export const modelKeys = {
  /** Every page of every model list. */
  lists: () => ['models'] as const,
  list: (q: ListModelsQuery) => ['models', q] as const,
  /** Everything read about every model (details, versions, artifacts, stage history...). */
  details: () => ['model'] as const,
  /** Everything read about one model. */
  detail: (org: string, name: string) => ['model', org, name] as const,
}

export const modelQueries = {
  list: (q: ListModelsQuery) =>
    queryOptions({
      queryKey: modelKeys.list(q),
      queryFn: async () => unwrap(await api.GET('/api/v1/models', { params: { query: q } })),
      // Keep the previous page on screen while the next one loads: no layout jump.
      placeholderData: keepPreviousData,
    }),
  detail: (org: string, name: string) =>
    queryOptions({
      queryKey: modelKeys.detail(org, name),
      queryFn: async () => unwrap(await api.GET('/api/v1/models/{org}/{name}', { params: { path: { org, name } } })),
    }),
}

export const useModels = (q: ListModelsQuery) => useQuery(modelQueries.list(q))
export const useModel = (org: string, name: string) => useQuery(modelQueries.detail(org, name))

/** After a write to one model (or one of its versions): that model's reads and every list. */
export async function refreshModel(client: QueryClient, org: string, name: string): Promise<void> {
  await client.invalidateQueries({ queryKey: modelKeys.detail(org, name) })
  await client.invalidateQueries({ queryKey: modelKeys.lists() })
}

interface Callbacks<T> {
  /** Runs after the caches are refreshed. */
  onSuccess?(data: T): void
  onError?(err: Error): void
}

export function useCreateModel({ onSuccess, onError }: Callbacks<Model> = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: CreateModelBody) => unwrap(await api.POST('/api/v1/models', { body })),
    onSuccess: async (m) => {
      await client.invalidateQueries({ queryKey: modelKeys.lists() })
      onSuccess?.(m)
    },
    onError,
  })
}

/** One edit of the model dialog: the version's fields and the model's, each to its endpoint, version first. */
export interface ModelEdit {
  version?: UpdateVersionBody
  model?: UpdateModelBody
}

export function useUpdateModel(
  org: string,
  name: string,
  version: string,
  { onSuccess, onError }: Callbacks<void> = {},
) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (bodies: ModelEdit) => {
      const path = { org, name }
      if (bodies.version)
        unwrap(
          await api.PATCH('/api/v1/models/{org}/{name}/versions/{version}', {
            params: { path: { ...path, version } },
            body: bodies.version,
          }),
        )
      if (bodies.model) unwrap(await api.PATCH('/api/v1/models/{org}/{name}', { params: { path }, body: bodies.model }))
    },
    onSuccess: async () => {
      await refreshModel(client, org, name)
      onSuccess?.()
    },
    onError,
  })
}

export function useDeleteModel(org: string, name: string, { onSuccess }: Callbacks<void> = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      unwrap(await api.DELETE('/api/v1/models/{org}/{name}', { params: { path: { org, name } } }))
    },
    onSuccess: async () => {
      // Gone: asking for its details again would only answer 404.
      client.removeQueries({ queryKey: modelKeys.detail(org, name) })
      await client.invalidateQueries({ queryKey: modelKeys.lists() })
      onSuccess?.()
    },
  })
}
