// Who is signed in, as server state: read once, then written by sign-in and sign-out (auth/session.tsx).
import type { SessionInfo } from '@modelreg/contract'
import { queryOptions } from '@tanstack/react-query'
import { ApiError, api, setCsrfToken, unwrap } from '../api/http'

export const sessionKeys = {
  current: () => ['session'] as const,
}

export const sessionQueries = {
  /** null when nobody is signed in (401); the CSRF token of a session is set for every later write. */
  current: () =>
    queryOptions({
      queryKey: sessionKeys.current(),
      queryFn: async (): Promise<SessionInfo | null> => {
        try {
          const s = unwrap(await api.GET('/api/v1/auth/session'))
          setCsrfToken(s.csrfToken)
          return s
        } catch (err) {
          if (err instanceof ApiError && err.status === 401) return null
          throw err
        }
      },
      staleTime: Number.POSITIVE_INFINITY,
    }),
}

export async function startSession(username: string, password: string): Promise<SessionInfo> {
  const s = unwrap(await api.POST('/api/v1/auth/login', { body: { username, password } }))
  setCsrfToken(s.csrfToken)
  return s
}

export async function endSession(): Promise<void> {
  await api.POST('/api/v1/auth/logout').catch(() => undefined)
  setCsrfToken(null)
}
