// Who is signed in, for the whole app: the session cookie is httpOnly, so the server tells us.
import type { SessionInfo } from '@modelreg/contract'
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useMemo } from 'react'
import { ApiError, api, setCsrfToken, unwrap } from '../api/http'

interface SessionState {
  session: SessionInfo | null
  signIn(username: string, password: string): Promise<void>
  signOut(): Promise<void>
}

const SessionContext = createContext<SessionState | null>(null)
const key = ['session'] as const

export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const client = useQueryClient()
  const query = useQuery({
    queryKey: key,
    queryFn: async () => {
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
  })
  const value = useMemo<SessionState>(
    () => ({
      session: query.data ?? null,
      async signIn(username, password) {
        const s = unwrap(await api.POST('/api/v1/auth/login', { body: { username, password } }))
        setCsrfToken(s.csrfToken)
        dropOtherQueries(client)
        client.setQueryData(key, s)
      },
      async signOut() {
        await api.POST('/api/v1/auth/logout').catch(() => undefined)
        setCsrfToken(null)
        dropOtherQueries(client)
        client.setQueryData(key, null)
      },
    }),
    [query.data, client],
  )
  if (query.isPending) return fallback
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

/** Another user's data must not survive a sign-in or sign-out; the session query itself stays observed. */
function dropOtherQueries(client: QueryClient) {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' })
}

export function useSession(): SessionState {
  const s = useContext(SessionContext)
  if (!s) throw new Error('useSession outside SessionProvider')
  return s
}

/** Organisations where the user is an admin (or all of theirs for a site admin). */
export const adminOrgs = (s: SessionInfo | null): string[] =>
  s ? s.orgs.filter((o) => s.siteAdmin || o.role === 'admin').map((o) => o.org) : []
