import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_PASSWORD, dialects, openTestApp } from '../helpers/registry.js'

describe.each(dialects)('sign-in, tokens and sessions on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const anon = { authorization: '' }
  beforeAll(async () => {
    t = await openTestApp(dialect)
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'alice', password: 'alice-password' },
    })
    await t.app.inject({ method: 'PUT', url: '/api/v1/orgs/default/members/alice', payload: { role: 'member' } })
  })
  afterAll(async () => {
    await t.close()
  })

  async function login(username: string, password: string) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      headers: anon,
    })
    const cookie = String(res.headers['set-cookie'] ?? '')
    return {
      res,
      cookie: cookie.split(';')[0] ?? '',
      setCookie: cookie,
      csrf: res.statusCode === 200 ? (res.json().csrfToken as string) : '',
    }
  }
  async function tokenFor(username: string, password: string, body: Record<string, unknown>) {
    const s = await login(username, password)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: body,
      headers: { ...anon, cookie: s.cookie, 'x-csrf-token': s.csrf },
    })
    expect(res.statusCode, res.payload).toBe(201)
    return res.json() as { id: string; token: string; scope: string }
  }

  it('refuses anonymous API calls but answers health, the OpenAPI document and sign-in', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: anon })
    expect(res.statusCode).toBe(401)
    expect(res.json().error.code).toBe('UNAUTHENTICATED')
    expect((await t.app.inject({ method: 'GET', url: '/healthz', headers: anon })).statusCode).toBe(200)
    expect((await t.app.inject({ method: 'GET', url: '/api/openapi.json', headers: anon })).statusCode).toBe(200)
  })

  it('signs in with an httpOnly, SameSite=Strict cookie and a CSRF token, and signs out', async () => {
    const s = await login('admin', ADMIN_PASSWORD)
    expect(s.res.statusCode).toBe(200)
    expect(s.res.json()).toMatchObject({
      username: 'admin',
      siteAdmin: true,
      orgs: [{ org: 'default', role: 'admin' }],
    })
    expect(s.setCookie).toMatch(/HttpOnly/i)
    expect(s.setCookie).toMatch(/SameSite=Strict/i)
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { ...anon, cookie: s.cookie },
    })
    expect(me.json()).toMatchObject({ username: 'admin', csrfToken: s.csrf })
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { ...anon, cookie: s.cookie, 'x-csrf-token': s.csrf },
    })
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { ...anon, cookie: s.cookie } }))
        .statusCode,
    ).toBe(401)
  })

  it('refuses cookie-authenticated writes without the CSRF token', async () => {
    const s = await login('alice', 'alice-password')
    const payload = { name: 'csrf-probe', framework: 'onnx' }
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload,
      headers: { ...anon, cookie: s.cookie },
    })
    expect(without.statusCode).toBe(403)
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload,
      headers: { ...anon, cookie: s.cookie, 'x-csrf-token': 'nope' },
    })
    expect(wrong.statusCode).toBe(403)
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload,
      headers: { ...anon, cookie: s.cookie, 'x-csrf-token': s.csrf },
    })
    expect(right.statusCode).toBe(201)
    expect(right.json().createdBy).toBe('alice')
  })

  it('shows a token once, keeps it read-only when asked, and revokes it at once', async () => {
    const read = await tokenFor('alice', 'alice-password', { name: 'ci read', scope: 'read' })
    expect(read.token).toMatch(/^mrt_/)
    const auth = { authorization: `Bearer ${read.token}` }
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: auth })).statusCode).toBe(200)
    const write = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { name: 'ro', framework: 'onnx' },
      headers: auth,
    })
    expect(write.statusCode).toBe(403)
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: auth })
    expect(list.json().items.map((i: { name: string }) => i.name)).toContain('ci read')
    expect(list.payload).not.toContain(read.token)
    const w = await tokenFor('alice', 'alice-password', { name: 'revoke me', scope: 'write' })
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${w.id}`,
      headers: { authorization: `Bearer ${w.token}` },
    })
    expect(del.statusCode).toBe(204)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: { authorization: `Bearer ${w.token}` } }))
        .statusCode,
    ).toBe(401)
  })

  it('stops honouring a token when it expires', async () => {
    // Honoured before its expiry, refused from the first request after it: polled, not slept, so a slow machine
    // only takes longer.
    const expiresAt = Date.now() + 5000
    const tok = await tokenFor('alice', 'alice-password', {
      name: 'short',
      expiresAt: new Date(expiresAt).toISOString(),
    })
    const headers = { authorization: `Bearer ${tok.token}` }
    const sentAt = Date.now()
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/models', headers })
    if (sentAt < expiresAt - 2000) expect(first.statusCode).toBe(200)
    await expect
      .poll(async () => (await t.app.inject({ method: 'GET', url: '/api/v1/models', headers })).statusCode, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(401)
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt)
  })

  it('cannot mint a token above the scope of the credential it uses', async () => {
    const tok = await tokenFor('alice', 'alice-password', { name: 'w', scope: 'write' })
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'escalate', scope: 'admin' },
      headers: { authorization: `Bearer ${tok.token}` },
    })
    expect(res.statusCode).toBe(403)
  })

  it('mints tokens from a signed-in session only: a token cannot create one that outlives or outranks it', async () => {
    const viaToken = (parent: string, body: Record<string, unknown>) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        payload: body,
        headers: { authorization: `Bearer ${parent}` },
      })
    const works = async (token: string) =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/models', headers: { authorization: `Bearer ${token}` } }))
        .statusCode
    // The attack: a child of a write token, then the parent revoked; a child without expiry under an expiring parent.
    const parent = await tokenFor('alice', 'alice-password', { name: 'parent', scope: 'write' })
    const child = await viaToken(parent.token, { name: 'child', scope: 'write' })
    expect(child.statusCode).toBe(403)
    expect(child.json().error.code).toBe('FORBIDDEN')
    expect(child.json().error.message).toMatch(/signed-in session/)
    const expiring = await tokenFor('alice', 'alice-password', {
      name: 'expiring',
      scope: 'write',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    expect((await viaToken(expiring.token, { name: 'forever', scope: 'read' })).statusCode).toBe(403)
    const adminToken = await tokenFor('admin', ADMIN_PASSWORD, { name: 'admin parent', scope: 'admin' })
    expect((await viaToken(adminToken.token, { name: 'child', scope: 'read' })).statusCode).toBe(403)
    const names = (
      await t.app.inject({ method: 'GET', url: '/api/v1/tokens', headers: { authorization: `Bearer ${parent.token}` } })
    )
      .json()
      .items.map((i: { name: string }) => i.name)
    expect(names).not.toContain('child')
    expect(names).not.toContain('forever')
    // A token still lists and revokes its user's tokens (that only takes power away).
    const revoked = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${expiring.id}`,
      headers: { authorization: `Bearer ${parent.token}` },
    })
    expect(revoked.statusCode).toBe(204)
    expect(await works(expiring.token)).toBe(401)
    expect(await works(parent.token)).toBe(200)
  })

  it('throttles repeated failed sign-ins for an account', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'target', password: 'target-password' },
    })
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await login('target', `wrong-${i}`)).res.statusCode)
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401])
    expect(statuses.slice(5)).toEqual([429, 429])
    const locked = await login('target', 'target-password')
    expect(locked.res.statusCode).toBe(429)
    expect(locked.res.json().error.message).toMatch(/try again in \d+ s/)
  })

  it('never returns a password hash and records sign-ins in the audit trail', async () => {
    const audit = await t.app.inject({ method: 'GET', url: '/api/v1/audit?limit=500' })
    expect(audit.statusCode).toBe(200)
    const types = (audit.json().items as { type: string }[]).map((i) => i.type)
    expect(types).toContain('login.failed')
    expect(types).toContain('login.succeeded')
    expect(types).toContain('token.created')
    const byActor = await t.app.inject({ method: 'GET', url: '/api/v1/audit?actor=alice' })
    expect((byActor.json().items as { actor: string }[]).every((i) => i.actor === 'alice')).toBe(true)
    for (const url of [
      '/api/v1/audit?limit=500',
      '/api/v1/tokens',
      '/api/v1/auth/session',
      '/api/v1/orgs/default/members',
    ]) {
      expect((await t.app.inject({ method: 'GET', url })).payload).not.toMatch(/scrypt\$/)
    }
  })

  it('lets only site admins manage users and organisations, and organisation admins their members', async () => {
    const tok = await tokenFor('alice', 'alice-password', { name: 'x', scope: 'write' })
    const headers = { authorization: `Bearer ${tok.token}` }
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/users',
          payload: { username: 'eve', password: 'eve-password' },
          headers,
        })
      ).statusCode,
    ).toBe(403)
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'evil' }, headers })).statusCode,
    ).toBe(403)
    expect(
      (
        await t.app.inject({
          method: 'PUT',
          url: '/api/v1/orgs/default/members/alice',
          payload: { role: 'admin' },
          headers,
        })
      ).statusCode,
    ).toBe(403)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/audit', headers })).statusCode).toBe(403)
  })

  it('sends security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/models' })
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toBeDefined()
    expect(res.headers['x-frame-options']).toBeDefined()
  })
})
