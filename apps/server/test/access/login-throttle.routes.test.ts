// Sign-in throttling over HTTP (docs/security.md): parallel attempts, lockouts as a weapon, the trusted proxy's
// client address, bounded memory and what the audit log keeps of a failed sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MemoryThrottleStore } from '../../src/services/login-throttle.js'
import { ADMIN_PASSWORD, dialects, openTestApp } from '../helpers/registry.js'

type TestApp = Awaited<ReturnType<typeof openTestApp>>
const anon = { authorization: '' }

async function login(t: TestApp, username: string, password: string, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username, password },
    headers: { ...anon, ...headers },
  })
}

async function createUser(t: TestApp, username: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/users',
    payload: { username, password: `${username}-password` },
  })
  expect(res.statusCode, res.body).toBe(201)
}

describe.each(dialects)('sign-in throttling on %s', (dialect) => {
  let t: TestApp
  let proxied: TestApp
  const store = new MemoryThrottleStore()
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  beforeAll(async () => {
    t = await openTestApp(dialect, { login: { store, now: () => clock.now } })
    // Behind nginx on the same machine: only 127.0.0.1 may say who the client is.
    proxied = await openTestApp(dialect, { app: { trustedProxies: ['127.0.0.1'] } })
    for (const name of ['alice', 'bob', 'carol', 'mallory']) await createUser(t, name)
    for (const name of ['alice', 'mallory']) await createUser(proxied, name)
  })
  afterAll(async () => {
    await t.close()
    await proxied.close()
  })

  it('evaluates at most 5 of 100 parallel wrong passwords for one account; the rest get 429 and Retry-After', async () => {
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => login(t, 'bob', `wrong-${i}`, { 'x-request-id': `flood-${i}` })),
    )
    const statuses = replies.map((r) => r.statusCode)
    expect(statuses.filter((s) => s === 401)).toHaveLength(5)
    expect(statuses.filter((s) => s === 429)).toHaveLength(95)
    const refused = replies.find((r) => r.statusCode === 429)
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0)
    const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit?actor=bob&limit=500' })
    expect(audit.json().items.filter((i: { type: string }) => i.type === 'login.failed')).toHaveLength(5)
  })

  it("does not lock the owner out: the attacker's address is refused, the owner's is not", async () => {
    for (let i = 0; i < 5; i++) expect((await login(t, 'alice', `guess-${i}`)).statusCode).toBe(401)
    expect((await login(t, 'alice', 'alice-password')).statusCode).toBe(429)
    const owner = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'alice', password: 'alice-password' },
      headers: anon,
      remoteAddress: '192.0.2.10',
    })
    expect(owner.statusCode, owner.body).toBe(200)
  })

  it("does not let the attacker's own successful sign-in restore the budget of the accounts they attack", async () => {
    const from = { remoteAddress: '198.51.100.7' }
    const attempt = (username: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
        headers: anon,
        ...from,
      })
    for (let i = 0; i < 5; i++) expect((await attempt('carol', `guess-${i}`)).statusCode).toBe(401)
    expect((await attempt('mallory', 'mallory-password')).statusCode).toBe(200)
    expect((await attempt('carol', 'guess-5')).statusCode).toBe(429)
    for (let i = 0; i < 14; i++) expect((await attempt(`nobody-${i}`, 'x')).statusCode).toBe(401)
    expect((await attempt('mallory', 'mallory-password')).statusCode).toBe(200)
    expect((await attempt('nobody-x', 'x')).statusCode).toBe(401)
    // 20 failures from this address: spent, whatever account comes next.
    expect((await attempt('nobody-y', 'x')).statusCode).toBe(429)
    clock.now += 15 * 60_000 + 1
    expect((await attempt('carol', 'carol-password')).statusCode).toBe(200)
  })

  it('keeps its memory bounded under a flood of new usernames', async () => {
    const before = store.size
    for (let i = 0; i < 400; i++) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: `flood-${i}`, password: 'x' },
        headers: anon,
        remoteAddress: '203.0.113.99',
      })
      expect([401, 429]).toContain(res.statusCode)
    }
    // 20 admitted attempts add a pair and an account key each, plus the address: refused ones add nothing.
    expect(store.size - before).toBeLessThanOrEqual(41)
  })

  it('keeps the typed username of a failed sign-in only when it names an account', async () => {
    const secretish = 'correct horse battery staple'
    expect((await login(t, secretish, 'whatever')).statusCode).toBe(401)
    const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit?limit=500' })
    expect(audit.payload).not.toContain(secretish)
    const failed = (audit.json().items as { type: string; actor: string }[]).filter((i) => i.type === 'login.failed')
    expect(failed.map((i) => i.actor)).toContain('(unknown account)')
    expect(failed.map((i) => i.actor)).toContain('bob')
  })

  it('takes the client address from X-Forwarded-For only when a trusted proxy sends it', async () => {
    // Not trusted: a made-up X-Forwarded-For does not buy new attempts.
    for (let i = 0; i < 5; i++) {
      expect((await login(t, 'alice', `x-${i}`, { 'x-forwarded-for': `10.1.1.${i}` })).statusCode).toBe(401)
    }
    expect((await login(t, 'alice', 'x-5', { 'x-forwarded-for': '10.1.1.99' })).statusCode).toBe(429)

    // Trusted: one client behind the proxy spends its budget; another client behind the same proxy signs in.
    const client = (ip: string) => ({ 'x-forwarded-for': ip })
    for (let i = 0; i < 20; i++) {
      expect((await login(proxied, `nobody-${i}`, 'x', client('192.0.2.66'))).statusCode).toBe(401)
    }
    expect((await login(proxied, 'mallory', 'mallory-password', client('192.0.2.66'))).statusCode).toBe(429)
    expect((await login(proxied, 'alice', 'alice-password', client('192.0.2.77'))).statusCode).toBe(200)
  })

  it('still signs the admin in after all of that', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
      headers: anon,
      remoteAddress: '192.0.2.200',
    })
    expect(res.statusCode).toBe(200)
  })
})
