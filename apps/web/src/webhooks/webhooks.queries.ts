// The Webhooks page's server state: an organisation's webhooks, a webhook's delivery log, and their writes.
import type { CreateWebhookBody, UpdateWebhookBody } from '@modelreg/contract'
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'

export const webhookKeys = {
  org: (org: string) => ['webhooks', org] as const,
  deliveries: (org: string, id: string) => ['webhooks', org, id, 'deliveries'] as const,
}

export const webhookQueries = {
  list: (org: string) =>
    queryOptions({
      queryKey: webhookKeys.org(org),
      queryFn: async () => unwrap(await api.GET('/api/v1/orgs/{org}/webhooks', { params: { path: { org } } })),
    }),
  deliveries: (org: string, id: string) =>
    queryOptions({
      queryKey: webhookKeys.deliveries(org, id),
      queryFn: async () =>
        unwrap(
          await api.GET('/api/v1/orgs/{org}/webhooks/{id}/deliveries', {
            params: { path: { org, id }, query: { limit: 100 } },
          }),
        ),
    }),
}

export const useWebhooks = (org: string) => useQuery(webhookQueries.list(org))
export const useDeliveries = (org: string, id: string | null) =>
  useQuery({ ...webhookQueries.deliveries(org, id ?? ''), enabled: id !== null })

export function useCreateWebhook(org: string, { onSuccess }: { onSuccess?(secret: string): void } = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: CreateWebhookBody) =>
      unwrap(await api.POST('/api/v1/orgs/{org}/webhooks', { params: { path: { org } }, body })),
    onSuccess: async (created) => {
      // The secret first: it is shown once.
      onSuccess?.(created.secret)
      await client.invalidateQueries({ queryKey: webhookKeys.org(org) })
    },
  })
}

export function useUpdateWebhook(org: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async ({ id, body }: { id: string; body: UpdateWebhookBody }) =>
      unwrap(await api.PATCH('/api/v1/orgs/{org}/webhooks/{id}', { params: { path: { org, id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: webhookKeys.org(org) }),
  })
}

export function useDeleteWebhook(org: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.DELETE('/api/v1/orgs/{org}/webhooks/{id}', { params: { path: { org, id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: webhookKeys.org(org) }),
  })
}

export function usePing(org: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) =>
      unwrap(await api.POST('/api/v1/orgs/{org}/webhooks/{id}/ping', { params: { path: { org, id } } })),
    onSuccess: (_d, id) => client.invalidateQueries({ queryKey: webhookKeys.deliveries(org, id) }),
  })
}

export function useRedeliver(org: string, id: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (deliveryId: string) =>
      unwrap(
        await api.POST('/api/v1/orgs/{org}/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
          params: { path: { org, id, deliveryId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: webhookKeys.deliveries(org, id) }),
  })
}
