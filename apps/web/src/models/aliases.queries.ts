// A model's aliases on the server: the list (keyed under the model, so refreshModel() asks again) and the two writes.
import type { Alias, SetAliasBody } from '@modelreg/contract'
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'
import { modelKeys, refreshModel } from './models.queries'

export const aliasQueries = {
  list: (org: string, name: string) =>
    queryOptions({
      queryKey: [...modelKeys.detail(org, name), 'aliases'] as const,
      queryFn: async () =>
        unwrap(await api.GET('/api/v1/models/{org}/{name}/aliases', { params: { path: { org, name } } })),
    }),
}

export const useAliases = (org: string, name: string) => useQuery(aliasQueries.list(org, name))

/** Sets or moves an alias; the model's reads (versions, aliases, events) are refreshed after. */
export function useSetAlias(org: string, name: string, { onSuccess }: { onSuccess?(alias: Alias): void } = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async ({ alias, body }: { alias: string; body: SetAliasBody }) =>
      unwrap(
        await api.PUT('/api/v1/models/{org}/{name}/aliases/{alias}', {
          params: { path: { org, name, alias } },
          body,
        }),
      ),
    onSuccess: async (alias) => {
      await refreshModel(client, org, name)
      onSuccess?.(alias)
    },
  })
}

export function useRemoveAlias(org: string, name: string, { onSuccess }: { onSuccess?(): void } = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (alias: string) =>
      unwrap(
        await api.DELETE('/api/v1/models/{org}/{name}/aliases/{alias}', { params: { path: { org, name, alias } } }),
      ),
    onSuccess: async () => {
      await refreshModel(client, org, name)
      onSuccess?.()
    },
  })
}
