// Small request helpers shared by the route tests: paths, factories over app.inject() and error checks.
import type { CreateModelBody, CreateVersionBody, Deployment, Model, RegistryEvent, Version } from '@modelreg/contract'
import { expect } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import type { openTestApp } from '../helpers/registry.js'

export type TestApp = Awaited<ReturnType<typeof openTestApp>>

/** What the route tests read of an inject() response. */
export interface Reply {
  statusCode: number
  body: string
  headers: Record<string, unknown>
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely and assert their shape
  json(): any
}

export const modelPath = (name: string, org = 'default') =>
  `/api/v1/models/${encodeURIComponent(org)}/${encodeURIComponent(name)}`
export const versionsPath = (name: string, org = 'default') => `${modelPath(name, org)}/versions`
export const versionPath = (name: string, version: string, org = 'default') =>
  `${versionsPath(name, org)}/${encodeURIComponent(version)}`

export async function send(
  t: TestApp,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<Reply> {
  return (await t.app.inject({
    method,
    url,
    ...(payload === undefined ? {} : { payload: payload as object }),
  })) as Reply
}

/** Registers a model (the doc's example under a unique name unless overridden); fails the test unless 201. */
export async function createModel(t: TestApp, overrides: Partial<CreateModelBody> = {}): Promise<Model> {
  const res = await send(t, 'POST', '/api/v1/models', exampleModel({ name: uniqueName(), ...overrides }))
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

export async function createVersion(
  t: TestApp,
  name: string,
  version: string,
  fields: Omit<CreateVersionBody, 'version'> = {},
): Promise<Version> {
  const res = await send(t, 'POST', versionsPath(name), { version, ...fields })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

export async function startDeployment(
  t: TestApp,
  name: string,
  version = '1.0.0',
  environment = 'production',
): Promise<Deployment> {
  const res = await send(t, 'POST', '/api/v1/deployments', { model: `default/${name}`, version, environment })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

export async function stopDeployment(t: TestApp, id: string): Promise<Deployment> {
  const res = await send(t, 'POST', `/api/v1/deployments/${id}/stop`)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/**
 * Inspects every file waiting for it, as a replica's loop does, and stops: versions with uploaded files get their
 * verdicts before a test moves them to Production or deploys them (the gate refuses INSPECTION_PENDING before).
 */
export async function inspectAll(t: TestApp): Promise<void> {
  const work = t.services.inspections.startWorking({ holder: 'test-inspections', everyMs: 60_000 })
  try {
    await work.runUntilIdle()
  } finally {
    await work.stop()
  }
}

export async function getJson(t: TestApp, url: string) {
  const res = await send(t, 'GET', url)
  expect(res.statusCode, res.body).toBe(200)
  return res.json()
}

/** A model's whole event log, newest first. */
export async function eventsOf(t: TestApp, name: string): Promise<RegistryEvent[]> {
  return (await getJson(t, `${modelPath(name)}/events?limit=500`)).items
}

/** Follows nextCursor from `url` (which may carry a query) until the last page; returns every item. */
export async function allPages<T = unknown>(t: TestApp, url: string): Promise<T[]> {
  const items: T[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 1000; pages++) {
    const sep = url.includes('?') ? '&' : '?'
    const page = await getJson(t, cursor === null ? url : `${url}${sep}cursor=${encodeURIComponent(cursor)}`)
    items.push(...page.items)
    cursor = page.nextCursor
    if (cursor === null) return items
  }
  throw new Error(`paging ${url} did not end`)
}

/** Asserts the error envelope { error: { code, message, details } } with this status and code; returns error. */
export function expectError(res: Reply, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status)
  const body = res.json()
  expect(body).toEqual({ error: { code, message: expect.any(String), details: expect.anything() } })
  expect(body.error.message.length).toBeGreaterThan(0)
  return body.error as { code: string; message: string; details: Record<string, unknown> }
}

/** The field names a VALIDATION_FAILED error points at (details.field or details.errors[].field). */
export function failingFields(error: { details: Record<string, unknown> }): string[] {
  const d = error.details as { field?: string; errors?: { field: string }[] }
  return [...(d.field ? [d.field] : []), ...(d.errors ?? []).map((e) => e.field)]
}

/** A cursor in the server's encoding (base64url JSON), to forge ones of the wrong shape. */
export const forgeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** Creates a user in `org` with `role` and returns a token of `scope`, minted from their session. */
export async function userToken(
  t: TestApp,
  username: string,
  opts: {
    org?: string
    role?: 'viewer' | 'member' | 'admin'
    scope?: 'read' | 'write' | 'admin'
    tokenName?: string
  } = {},
): Promise<string> {
  const org = opts.org ?? 'default'
  const admin = (method: 'POST' | 'PUT', url: string, payload: object) => t.app.inject({ method, url, payload })
  expect((await admin('POST', '/api/v1/users', { username, password: `${username}-password` })).statusCode).toBe(201)
  const member = await admin('PUT', `/api/v1/orgs/${org}/members/${username}`, { role: opts.role ?? 'member' })
  expect(member.statusCode, member.payload).toBe(204)
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password: `${username}-password` },
    headers: { authorization: '' },
  })
  const cookie = String(login.headers['set-cookie']).split(';')[0] ?? ''
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    payload: { name: opts.tokenName ?? 'test', scope: opts.scope ?? 'write' },
    headers: { authorization: '', cookie, 'x-csrf-token': login.json().csrfToken },
  })
  expect(created.statusCode, created.payload).toBe(201)
  return created.json().token as string
}
