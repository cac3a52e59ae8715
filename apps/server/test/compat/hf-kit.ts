// Helpers of the Hugging Face layer's tests: users with tokens of a scope, files uploaded through the native API.
import { expect } from 'vitest'
import type { TestApp } from '../routes/route-kit.js'

/** Creates a user in `org` with `role` and returns a token of `scope`, minted from their session. */
export async function userToken(
  t: TestApp,
  username: string,
  opts: { org?: string; role?: 'viewer' | 'member' | 'admin'; scope?: 'read' | 'write' } = {},
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
    payload: { name: 'hf', scope: opts.scope ?? 'write' },
    headers: { authorization: '', cookie, 'x-csrf-token': login.json().csrfToken },
  })
  expect(created.statusCode, created.payload).toBe(201)
  return created.json().token as string
}

/** Uploads bytes through the native API (the reference every Hugging Face download is compared with). */
export async function putFile(t: TestApp, model: string, version: string, path: string, bytes: Buffer | string) {
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/models/default/${encodeURIComponent(model)}/versions/${version}/artifacts/${path}`,
    payload: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    headers: { 'content-type': 'application/octet-stream' },
  })
  expect(res.statusCode, res.payload).toBe(201)
}

/** Deterministic pseudo-random bytes (incompressible, reproducible). */
export function bytesOf(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
