// The webhook routes: who may manage them, the secret shown once, and bad input (bad URLs, each address class the
// SSRF guard refuses, unknown event types) answered with a coded 4xx that changes nothing. Both dialects.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'
import { createModel, expectError, getJson, send, type TestApp, userToken } from '../routes/route-kit.js'

const hooksPath = '/api/v1/orgs/default/webhooks'
const receiver = 'https://hooks.example.com/modelreg'

describe.each(dialects)('webhook routes on %s', (dialect) => {
  let t: TestApp
  let open: TestApp

  beforeAll(async () => {
    t = await openTestApp(dialect)
    // A registry run with MODELREG_WEBHOOK_ALLOW_PRIVATE=true.
    open = await openTestApp(dialect, { webhooks: { allowPrivate: true } })
  })
  afterAll(async () => {
    await t.close()
    await open.close()
  })

  const tokenOf = async (username: string, org: string, role: 'viewer' | 'member' | 'admin') =>
    `Bearer ${await userToken(t, username, { org, role, scope: role === 'admin' ? 'admin' : 'write' })}`

  it('creates a webhook and shows its secret once; reads, updates and deletes it', async () => {
    const model = await createModel(t)
    const res = await send(t, 'POST', hooksPath, {
      url: receiver,
      events: ['stage.changed', 'version.created'],
      model: model.name,
      description: 'deploy bot',
    })
    expect(res.statusCode, res.body).toBe(201)
    const hook = res.json()
    expect(hook).toMatchObject({
      id: expect.any(String),
      org: 'default',
      url: receiver,
      model: `default/${model.name}`,
      events: ['stage.changed', 'version.created'],
      enabled: true,
      disabledReason: null,
      createdBy: 'admin',
    })
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{32}$/)
    const read = await send(t, 'GET', `${hooksPath}/${hook.id}`)
    expect(read.statusCode).toBe(200)
    expect(read.json().secret).toBeUndefined()
    expect(read.body).not.toContain(hook.secret)
    const list = await send(t, 'GET', hooksPath)
    expect(list.body).not.toContain(hook.secret)
    expect(list.json().items.map((h: { id: string }) => h.id)).toContain(hook.id)

    const paused = await send(t, 'PATCH', `${hooksPath}/${hook.id}`, { enabled: false, events: [], model: null })
    expect(paused.statusCode, paused.body).toBe(200)
    expect(paused.json()).toMatchObject({ enabled: false, disabledReason: 'paused by admin', events: [], model: null })
    expect(paused.json().secret).toBeUndefined()
    const resumed = await send(t, 'PATCH', `${hooksPath}/${hook.id}`, { enabled: true })
    expect(resumed.json()).toMatchObject({ enabled: true, disabledReason: null })

    expect((await send(t, 'GET', `${hooksPath}/${hook.id}/deliveries`)).json()).toEqual({ items: [], nextCursor: null })
    expect((await send(t, 'DELETE', `${hooksPath}/${hook.id}`)).statusCode).toBe(204)
    expectError(await send(t, 'GET', `${hooksPath}/${hook.id}`), 404, 'NOT_FOUND')
    const audit = (await getJson(t, '/api/v1/audit?limit=50')).items.map((e: { type: string }) => e.type)
    expect(audit).toEqual(expect.arrayContaining(['webhook.created', 'webhook.updated', 'webhook.deleted']))
  })

  it('lets organisation admins only: members and viewers 403, outsiders 404, anonymous 401', async () => {
    expect((await send(t, 'POST', '/api/v1/orgs', { name: 'hooks-org' })).statusCode).toBe(201)
    expect((await send(t, 'POST', '/api/v1/orgs', { name: 'hooks-other' })).statusCode).toBe(201)
    const admin = await tokenOf('hooks-admin', 'hooks-org', 'admin')
    const member = await tokenOf('hooks-member', 'hooks-org', 'member')
    const viewer = await tokenOf('hooks-viewer', 'hooks-org', 'viewer')
    const outsider = await tokenOf('hooks-outsider', 'hooks-other', 'admin')
    const path = '/api/v1/orgs/hooks-org/webhooks'
    const as = (authorization: string, method: 'GET' | 'POST', url = path, payload?: object) =>
      t.app.inject({ method, url, headers: { authorization }, ...(payload && { payload }) })
    const created = await as(admin, 'POST', path, { url: receiver })
    expect(created.statusCode, created.body).toBe(201)
    const id = created.json().id
    for (const who of [member, viewer]) {
      expectError(await as(who, 'GET'), 403, 'FORBIDDEN')
      expectError(await as(who, 'POST', path, { url: receiver }), 403, 'FORBIDDEN')
      expectError(await as(who, 'GET', `${path}/${id}/deliveries`), 403, 'FORBIDDEN')
      expectError(await as(who, 'POST', `${path}/${id}/ping`), 403, 'FORBIDDEN')
    }
    expectError(await as(outsider, 'GET'), 404, 'NOT_FOUND')
    expectError(await as(outsider, 'POST', `${path}/${id}/ping`), 404, 'NOT_FOUND')
    expectError(await as('', 'GET'), 401, 'UNAUTHENTICATED')
    expectError(await as(admin, 'GET', '/api/v1/orgs/no-such-org/webhooks'), 404, 'NOT_FOUND')
    // Another organisation's webhook is not found through this one.
    expectError(await send(t, 'GET', `${hooksPath}/${id}`), 404, 'NOT_FOUND')
    expect((await as(admin, 'GET')).json().items).toHaveLength(1)
  })

  const badBodies: Record<string, { body: Record<string, unknown>; status?: number; message: RegExp }> = {
    'no url': { body: {}, message: /url/ },
    'not a URL': { body: { url: 'not a url' }, message: /url/ },
    'an ftp URL': { body: { url: 'ftp://files.example.com/x' }, message: /url/ },
    'a javascript: URL': { body: { url: 'javascript:alert(1)' }, message: /url/ },
    'credentials in the URL': { body: { url: 'https://user:pw@hooks.example.com/' }, message: /credentials/ },
    'a URL of 3,000 characters': { body: { url: `https://hooks.example.com/${'a'.repeat(3000)}` }, message: /url/ },
    'an unknown event type': { body: { url: receiver, events: ['version.exploded'] }, message: /events/ },
    'an event type twice': { body: { url: receiver, events: ['stage.changed', 'stage.changed'] }, message: /events/ },
    'events not a list': { body: { url: receiver, events: 'stage.changed' }, message: /events/ },
    'an unknown field': { body: { url: receiver, secret: 'mine' }, message: /secret/ },
    'a model that does not exist': { body: { url: receiver, model: 'nope' }, status: 404, message: /nope/ },
    // The SSRF guard, one address of each class.
    'loopback IPv4': { body: { url: 'http://127.0.0.1:8080/hook' }, message: /loopback/ },
    'loopback 127.5.6.7': { body: { url: 'http://127.5.6.7/hook' }, message: /loopback/ },
    'loopback IPv6': { body: { url: 'http://[::1]/hook' }, message: /loopback/ },
    'loopback as IPv4-mapped IPv6': { body: { url: 'http://[::ffff:127.0.0.1]/hook' }, message: /loopback/ },
    'localhost by name': { body: { url: 'http://localhost:9000/hook' }, message: /localhost resolves to .*loopback/ },
    'private 10/8': { body: { url: 'http://10.1.2.3/hook' }, message: /private/ },
    'private 172.16/12': { body: { url: 'http://172.20.0.5/hook' }, message: /private/ },
    'private 192.168/16': { body: { url: 'https://192.168.1.10/hook' }, message: /private/ },
    'private IPv6 (fd00::/8)': { body: { url: 'http://[fd12:3456::1]/hook' }, message: /private/ },
    'link-local IPv4': { body: { url: 'http://169.254.10.20/hook' }, message: /link-local/ },
    'link-local IPv6': { body: { url: 'http://[fe80::1]/hook' }, message: /link-local/ },
    'cloud metadata': { body: { url: 'http://169.254.169.254/latest/meta-data/' }, message: /metadata/ },
    'unspecified 0.0.0.0': { body: { url: 'http://0.0.0.0/hook' }, message: /unspecified/ },
    'decimal IPv4 of loopback': { body: { url: 'http://2130706433/hook' }, message: /loopback/ },
  }

  for (const [name, c] of Object.entries(badBodies)) {
    it(`refuses ${name} with a coded ${c.status ?? 400} and creates nothing`, async () => {
      const before = (await getJson(t, hooksPath)).items.length
      const err = expectError(
        await send(t, 'POST', hooksPath, c.body),
        c.status ?? 400,
        c.status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED',
      )
      expect(`${err.message} ${JSON.stringify(err.details)}`).toMatch(c.message)
      expect((await getJson(t, hooksPath)).items).toHaveLength(before)
    })
  }

  it('with MODELREG_WEBHOOK_ALLOW_PRIVATE=true takes loopback, private and link-local receivers, never metadata', async () => {
    for (const url of ['http://127.0.0.1:4821/hook', 'http://10.0.0.8/hook', 'http://[fe80::1]/hook']) {
      expect((await send(open, 'POST', hooksPath, { url })).statusCode).toBe(201)
    }
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://[fd00:ec2::254]/']) {
      const err = expectError(await send(open, 'POST', hooksPath, { url }), 400, 'VALIDATION_FAILED')
      expect(err.message).toMatch(/metadata/)
    }
  })

  it('refuses a bad update with a coded 400 and leaves the webhook as it was', async () => {
    const hook = (await send(t, 'POST', hooksPath, { url: receiver, events: ['model.deleted'] })).json()
    for (const body of [
      { url: 'http://10.0.0.1/' },
      { events: ['nope'] },
      { enabled: 'yes' },
      { rotateSecret: 1 },
      { url: receiver, extra: true },
    ]) {
      expectError(await send(t, 'PATCH', `${hooksPath}/${hook.id}`, body), 400, 'VALIDATION_FAILED')
    }
    const { secret: _, ...shown } = hook
    expect(await getJson(t, `${hooksPath}/${hook.id}`)).toEqual(shown)
    expectError(await send(t, 'GET', `${hooksPath}/not-a-uuid`), 400, 'VALIDATION_FAILED')
    expectError(
      await send(t, 'POST', `${hooksPath}/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`),
      404,
      'NOT_FOUND',
    )
    expectError(await send(t, 'GET', `${hooksPath}/${hook.id}/deliveries?status=lost`), 400, 'VALIDATION_FAILED')
  })
})
