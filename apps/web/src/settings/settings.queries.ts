// The settings screens' server state: API tokens and organisation members, with their writes.
import type { Role, TokenScope } from '@modelreg/contract'
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api, unwrap } from '../api/http'

export const tokenKeys = {
  all: () => ['tokens'] as const,
}

export const memberKeys = {
  org: (org: string) => ['members', org] as const,
}

export const settingsQueries = {
  tokens: () =>
    queryOptions({
      queryKey: tokenKeys.all(),
      queryFn: async () => unwrap(await api.GET('/api/v1/tokens')),
    }),
  members: (org: string) =>
    queryOptions({
      queryKey: memberKeys.org(org),
      queryFn: async () => unwrap(await api.GET('/api/v1/orgs/{org}/members', { params: { path: { org } } })),
    }),
}

export const useTokens = () => useQuery(settingsQueries.tokens())
export const useMembers = (org: string) => useQuery(settingsQueries.members(org))

export function useCreateToken({ onSuccess }: { onSuccess?(token: string): void } = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (body: { name: string; scope: TokenScope }) => unwrap(await api.POST('/api/v1/tokens', { body })),
    onSuccess: async (t) => {
      // The secret first: it is shown once, and must not wait for the list.
      onSuccess?.(t.token)
      await client.invalidateQueries({ queryKey: tokenKeys.all() })
    },
  })
}

export function useRevokeToken() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (id: string) => unwrap(await api.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: tokenKeys.all() }),
  })
}

export interface NewMember {
  username: string
  role: Role
  /** Site admins may create the account first; empty for an existing user. */
  password: string
}

export function useAddMember(org: string, { onSuccess }: { onSuccess?(): void } = {}) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async ({ username, role, password }: NewMember) => {
      if (password) unwrap(await api.POST('/api/v1/users', { body: { username, password } }))
      unwrap(
        await api.PUT('/api/v1/orgs/{org}/members/{username}', { params: { path: { org, username } }, body: { role } }),
      )
    },
    onSuccess: async () => {
      onSuccess?.()
      await client.invalidateQueries({ queryKey: memberKeys.org(org) })
    },
  })
}

export function useSetMemberRole(org: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (m: { username: string; role: Role }) =>
      unwrap(
        await api.PUT('/api/v1/orgs/{org}/members/{username}', {
          params: { path: { org, username: m.username } },
          body: { role: m.role },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: memberKeys.org(org) }),
  })
}

export function useRemoveMember(org: string) {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async (username: string) =>
      unwrap(await api.DELETE('/api/v1/orgs/{org}/members/{username}', { params: { path: { org, username } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: memberKeys.org(org) }),
  })
}
