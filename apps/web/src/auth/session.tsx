// Who is signed in, for the whole app: the session cookie is httpOnly, so the server tells us.
import type { SessionInfo } from '@modelreg/contract'
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useContext, useMemo } from 'react'
import { endSession, sessionKeys, sessionQueries, startSession } from './session.queries'

export interface SessionState {
  session: SessionInfo | null
  /** Why the session could not be read (the registry unreachable, a 5xx); a 401 is no session, not an error. */
  error: unknown
  signIn(username: string, password: string): Promise<void>
  signOut(): Promise<void>
}

/** What the app's SessionProvider gives its screens; a test gives a fixed one (test/render.tsx). */
export const SessionContext = createContext<SessionState | null>(null)

export function SessionProvider({ children, fallback }: { children: ReactNode; fallback: ReactNode }) {
  const client = useQueryClient()
  const query = useQuery(sessionQueries.current())
  const value = useMemo<SessionState>(
    () => ({
      session: query.data ?? null,
      error: query.error,
      async signIn(username, password) {
        const s = await startSession(username, password)
        dropOtherQueries(client)
        client.setQueryData(sessionKeys.current(), s)
      },
      async signOut() {
        await endSession()
        dropOtherQueries(client)
        client.setQueryData(sessionKeys.current(), null)
      },
    }),
    [query.data, query.error, client],
  )
  if (query.isPending) return fallback
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>
}

/** Another user's data must not survive a sign-in or sign-out; the session query itself stays observed. */
function dropOtherQueries(client: QueryClient) {
  const [session] = sessionKeys.current()
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== session })
}

export function useSession(): SessionState {
  const s = useContext(SessionContext)
  if (!s) throw new Error('useSession outside SessionProvider')
  return s
}

/** Organisations where the user is an admin (or all of theirs for a site admin). */
export const adminOrgs = (s: SessionInfo | null): string[] =>
  s ? s.orgs.filter((o) => s.siteAdmin || o.role === 'admin').map((o) => o.org) : []
