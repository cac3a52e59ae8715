// CORS of the Hugging Face API for browser clients: an allowed origin reads answers and errors with the Hub's
// headers exposed, and its preflights pass before authentication; other origins, and the native API, get nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'
import { createModel, type Reply, type TestApp } from '../routes/route-kit.js'
import { putFile } from './hf-kit.js'

const APP = 'https://app.example.com'

describe.each(dialects)('Hugging Face API CORS on %s', (dialect) => {
  let t: TestApp
  let open: TestApp
  let repo: string
  const call = (on: TestApp, method: 'GET' | 'HEAD' | 'OPTIONS', url: string, headers: Record<string, string>) =>
    on.app.inject({ method, url, headers }) as Promise<Reply>

  beforeAll(async () => {
    t = await openTestApp(dialect, { app: { hf: { corsOrigins: [APP, 'http://localhost:5173'] } } })
    const name = (await createModel(t, {})).name
    await putFile(t, name, '1.0.0', 'config.json', '{"model_type": "bert"}')
    repo = `default/${name}`
  })
  afterAll(() => t?.close())

  it('lets an allowed origin read a resolve with the Hub headers exposed, and varies by origin', async () => {
    const res = await call(t, 'GET', `/hf/${repo}/resolve/main/config.json`, { origin: APP, range: 'bytes=0-0' })
    expect(res.statusCode).toBe(206)
    expect(res.headers['access-control-allow-origin']).toBe(APP)
    expect(res.headers.vary).toMatch(/Origin/)
    const exposed = String(res.headers['access-control-expose-headers']).split(', ')
    for (const h of ['ETag', 'X-Repo-Commit', 'X-Linked-Size', 'X-Linked-Etag', 'Content-Range', 'Accept-Ranges']) {
      expect(exposed).toContain(h)
    }
    expect(res.headers['access-control-allow-credentials']).toBeUndefined()
  })

  it('answers a preflight before authentication, allowing Authorization and Range', async () => {
    const res = await call(t, 'OPTIONS', `/hf/${repo}/resolve/main/config.json`, {
      origin: APP,
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization,range',
      authorization: '',
    })
    expect(res.statusCode).toBe(204)
    expect(res.headers['access-control-allow-origin']).toBe(APP)
    expect(String(res.headers['access-control-allow-methods'])).toMatch(/GET/)
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('authorization')
    expect(String(res.headers['access-control-allow-headers']).toLowerCase()).toContain('range')
  })

  it('lets an allowed origin read errors (a 401 and a RepoNotFound) with their codes exposed', async () => {
    const unknown = await call(t, 'GET', '/hf/api/models/default/nothing-here', { origin: APP })
    expect(unknown.statusCode).toBe(404)
    expect(unknown.headers['x-error-code']).toBe('RepoNotFound')
    expect(unknown.headers['access-control-allow-origin']).toBe(APP)
    const badToken = await call(t, 'GET', `/hf/api/models/${repo}`, { origin: APP, authorization: 'Bearer nope' })
    expect(badToken.statusCode).toBe(401)
    expect(badToken.headers['access-control-allow-origin']).toBe(APP)
  })

  it('gives other origins and the native API no CORS headers', async () => {
    const other = await call(t, 'GET', `/hf/api/models/${repo}`, { origin: 'https://evil.example' })
    expect(other.statusCode).toBe(200)
    expect(other.headers['access-control-allow-origin']).toBeUndefined()
    const preflight = await call(t, 'OPTIONS', `/hf/api/models/${repo}`, {
      origin: 'https://evil.example',
      'access-control-request-method': 'GET',
      authorization: '',
    })
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined()
    const native = await call(t, 'GET', '/api/v1/models', { origin: APP })
    expect(native.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('sends no CORS headers at all by default, and * allows any origin without credentials', async () => {
    open = await openTestApp(dialect, { app: { hf: { corsOrigins: ['*'] } } })
    try {
      const any = await call(open, 'GET', '/hf/api/whoami-v2', { origin: 'https://anywhere.example' })
      expect(any.headers['access-control-allow-origin']).toBe('*')
      expect(any.headers.vary ?? '').not.toMatch(/Origin/)
    } finally {
      await open.close()
    }
    const closed = await openTestApp(dialect)
    try {
      const res = await call(closed, 'GET', '/hf/api/whoami-v2', { origin: APP })
      expect(res.headers['access-control-allow-origin']).toBeUndefined()
      const preflight = await call(closed, 'OPTIONS', '/hf/api/whoami-v2', { origin: APP, authorization: '' })
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    } finally {
      await closed.close()
    }
  })
})
