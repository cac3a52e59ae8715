// What the registry derives from how it is reached: the session cookie's Secure flag and HSTS (only over HTTPS:
// directly, through a trusted proxy, or per the public URL), and the request id a client may send.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, dialects, openTestApp } from '../helpers/registry.js'

type TestApp = Awaited<ReturnType<typeof openTestApp>>
const anon = { authorization: '' }
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

async function signIn(t: TestApp, headers: Record<string, string> = {}) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'admin', password: ADMIN_PASSWORD },
    headers: { ...anon, ...headers },
  })
  expect(res.statusCode, res.body).toBe(200)
  return { cookie: String(res.headers['set-cookie']), hsts: res.headers['strict-transport-security'] }
}

describe.each(dialects)('cookies, HSTS and request ids on %s', (dialect) => {
  let loopback: TestApp
  let proxied: TestApp
  let published: TestApp
  beforeAll(async () => {
    loopback = await openTestApp(dialect)
    // nginx terminates TLS on the same machine and says so in X-Forwarded-Proto.
    proxied = await openTestApp(dialect, { app: { trustedProxies: ['127.0.0.1'] } })
    // MODELREG_PUBLIC_URL=https://… (the configuration turns the Secure cookie on for it).
    published = await openTestApp(dialect, { app: { publicUrl: 'https://models.example.com', secureCookies: true } })
    loopback.app.get('/api/v1/test-failure', async () => {
      throw new Error('a bug')
    })
  })
  afterAll(async () => {
    for (const t of [loopback, proxied, published]) await t.close()
  })

  it('sends neither HSTS nor a Secure cookie over plain HTTP, whatever an untrusted client claims', async () => {
    for (const headers of [{}, { 'x-forwarded-proto': 'https' }] as Record<string, string>[]) {
      const s = await signIn(loopback, headers)
      expect(s.cookie).not.toMatch(/;\s*Secure/i)
      expect(s.hsts).toBeUndefined()
    }
  })

  it('marks the cookie Secure and sends HSTS when a trusted proxy forwards an HTTPS request', async () => {
    const s = await signIn(proxied, { 'x-forwarded-proto': 'https', 'x-forwarded-for': '192.0.2.1' })
    expect(s.cookie).toMatch(/;\s*Secure/i)
    expect(s.hsts).toMatch(/max-age=\d+/)
    const plain = await signIn(proxied, { 'x-forwarded-proto': 'http', 'x-forwarded-for': '192.0.2.1' })
    expect(plain.cookie).not.toMatch(/;\s*Secure/i)
    expect(plain.hsts).toBeUndefined()
  })

  it('marks the cookie Secure and sends HSTS when the public URL is https', async () => {
    const s = await signIn(published)
    expect(s.cookie).toMatch(/;\s*Secure/i)
    expect(s.hsts).toMatch(/max-age=\d+/)
  })

  it("keeps a client's x-request-id only when it is a plain token, and never echoes anything else", async () => {
    const kept = await loopback.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'abc-123.x:1' },
    })
    expect(kept.headers['x-request-id']).toBe('abc-123.x:1')
    for (const bad of ['<script>alert(1)</script>', 'a b', 'x'.repeat(129), 'é', '']) {
      const res = await loopback.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': bad } })
      expect(String(res.headers['x-request-id'])).toMatch(UUID)
    }
    const failure = await loopback.app.inject({
      method: 'GET',
      url: '/api/v1/test-failure',
      headers: { 'x-request-id': '<img src=x onerror=alert(1)>' },
    })
    expect(failure.statusCode).toBe(500)
    expect(failure.payload).not.toContain('<img')
    expect(failure.json().error.message).toContain(String(failure.headers['x-request-id']))
  })
})
