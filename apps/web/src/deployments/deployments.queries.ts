// Deployment records on the server: keys, reads and the two writes (start, stop) with what they refresh.
import type { CreateDeploymentBody, ListDeploymentsQuery } from '@modelreg/contract'
import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'
import { modelKeys } from '../models/models.queries'

export const deploymentKeys = {
  /** Every deployment list, whatever its filter. */
  lists: () => ['deployments'] as const,
  list: (q: ListDeploymentsQuery) => ['deployments', q] as const,
}

export const deploymentQueries = {
  list: (q: ListDeploymentsQuery) =>
    queryOptions({
      queryKey: deploymentKeys.list(q),
      queryFn: async () => unwrap(await api.GET('/api/v1/deployments', { params: { query: q } })),
      placeholderData: keepPreviousData,
    }),
}

export const useDeployments = (q: ListDeploymentsQuery) => useQuery(deploymentQueries.list(q))

/** A deployment changes the model's status and what may be deleted: every list and every model is asked again. */
function useRefreshDeployed() {
  const client = useQueryClient()
  return async () => {
    await client.invalidateQueries({ queryKey: deploymentKeys.lists() })
    await client.invalidateQueries({ queryKey: modelKeys.details() })
    await client.invalidateQueries({ queryKey: modelKeys.lists() })
  }
}

export function useStartDeployment({ onSuccess }: { onSuccess?(): void } = {}) {
  const refresh = useRefreshDeployed()
  return useMutation({
    mutationFn: async (body: CreateDeploymentBody) => unwrap(await api.POST('/api/v1/deployments', { body })),
    onSuccess: async () => {
      await refresh()
      onSuccess?.()
    },
  })
}

export function useStopDeployment() {
  const refresh = useRefreshDeployed()
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/api/v1/deployments/{id}/stop', { params: { path: { id } } })),
    onSuccess: refresh,
  })
}
