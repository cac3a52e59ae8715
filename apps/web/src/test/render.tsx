// The one way web tests render a screen and fake the API. Nothing here uses vi.mock: a module mocked by one file
// would stay cached for the next file of the same worker (isolate: false, decision 0013). The fake API is a spy on
// the one shared client instead, and test/setup.ts restores every spy after each test.
import { MantineProvider } from '@mantine/core'
import type { Model, SessionInfo, Version } from '@modelreg/contract'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactElement } from 'react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { vi } from 'vitest'
import { api } from '../api/http'
import { SessionContext } from '../auth/session'
import { theme } from '../theme'

/** A version as the API answers it: 1.0.0 of default/resnet, completed, in Development, not inspected. */
export function exampleVersion(overrides: Partial<Version> = {}): Version {
  const at = '2026-11-02T10:00:00.000Z'
  return {
    id: '1',
    model: 'default/resnet',
    version: '1.0.0',
    description: '',
    status: 'completed',
    stage: 'development',
    tags: [],
    author: '',
    license: null,
    licenseOther: null,
    metrics: {},
    source: {},
    baseModel: null,
    createdBy: 'admin',
    createdAt: at,
    updatedAt: at,
    verdict: 'none',
    format: null,
    parameters: null,
    sequence: 1,
    ...overrides,
  }
}

/** A model as the API answers it; `overrides` replace whole fields. */
export function exampleModel(overrides: Partial<Model> = {}): Model {
  const at = '2026-11-02T10:00:00.000Z'
  return {
    id: '1',
    org: 'default',
    name: 'resnet',
    framework: 'pytorch',
    frameworkOther: null,
    taskType: 'classification',
    taskTypeOther: null,
    modelType: 'custom',
    modelTypeOther: null,
    publicAccess: false,
    createdBy: 'admin',
    createdAt: at,
    updatedAt: at,
    versionCount: 1,
    latestVersion: exampleVersion(),
    topStage: { stage: 'development', version: '1.0.0' },
    nextVersion: { major: '2.0.0', minor: '1.1.0', patch: '1.0.1' },
    ...overrides,
  }
}

/** What openapi-fetch resolves to. */
export interface FakeAnswer {
  data?: unknown
  error?: unknown
  response: Response
}
/** The request as a screen made it: the path template ('/api/v1/models/{org}/{name}') and its options. */
// biome-ignore lint/suspicious/noExplicitAny: a fake reads whichever params and body the call under test sends.
export type FakeHandler = (path: string, init?: any) => FakeAnswer | Promise<FakeAnswer>
export type FakeApi = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', FakeHandler>>

export const ok = (data: unknown, status = 200): FakeAnswer => ({ data, response: new Response(null, { status }) })
export const failure = (status: number, code: string, message: string): FakeAnswer => ({
  error: { error: { code, message } },
  response: new Response(null, { status }),
})

/**
 * Answers the screen's API calls with `handlers` until the test ends. A method without a handler fails the call
 * with a message naming it, rather than reaching for the network.
 * @example
 * const get = vi.fn(async (path: string) => (path === '/api/v1/tokens' ? ok({ items: [] }) : failure(404, 'NOT_FOUND', 'no')))
 * fakeApi({ GET: get })
 */
export function fakeApi(handlers: FakeApi): void {
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
    const handler: FakeHandler =
      handlers[method] ??
      (async (path: string) => {
        throw new Error(`no fake answer for ${method} ${path} in this test`)
      })
    // The handler's `any` options let one fake stand for methods that are generic over every route.
    vi.spyOn(api, method).mockImplementation(handler)
  }
}

export const memberSession: SessionInfo = {
  username: 'ada',
  siteAdmin: false,
  orgs: [{ org: 'default', role: 'member' }],
  csrfToken: null,
  expiresAt: null,
}

export interface RenderOptions {
  /** The URL the router starts at (default '/'). */
  url?: string
  /** A route pattern for the screen, so that useParams() works (e.g. '/models/:org/:name'). */
  path?: string
  /** Who is signed in (default: a member of "default"). */
  session?: SessionInfo
}

/** Renders `ui` with the app's theme, a fresh query cache (no retries), a router and a signed-in session. */
export function renderUi(ui: ReactElement, { url = '/', path, session = memberSession }: RenderOptions = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  const signedIn = { session, error: null, signIn: async () => undefined, signOut: async () => undefined }
  const result = render(
    <MantineProvider theme={theme}>
      <QueryClientProvider client={client}>
        <SessionContext.Provider value={signedIn}>
          <MemoryRouter initialEntries={[url]}>
            {path ? (
              <Routes>
                <Route path={path} element={ui} />
                <Route path="*" element={ui} />
              </Routes>
            ) : (
              ui
            )}
          </MemoryRouter>
        </SessionContext.Provider>
      </QueryClientProvider>
    </MantineProvider>,
  )
  return { ...result, client }
}
