// Every endpoint × {anonymous, outsider, viewer, member, owner, org admin} × {public, private model}: the exact
// status, and nothing of a model leaks to those who may not see it (not in lists, counts or error bodies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'
import { inspectAll, userToken } from '../routes/route-kit.js'

type Persona = 'anonymous' | 'outsider' | 'viewer' | 'member' | 'owner' | 'admin'
type Kind = 'public' | 'private'
const personas: Persona[] = ['anonymous', 'outsider', 'viewer', 'member', 'owner', 'admin']

/** What each persona gets: reads of a public model are open to the organisation, of a private one to owner and admins. */
function expected(p: Persona, kind: Kind, op: 'read' | 'write', ok: number): number {
  if (p === 'anonymous') return 401
  if (p === 'outsider') return 404
  if (p === 'owner' || p === 'admin') return ok
  if (kind === 'private') return 404
  return op === 'read' ? ok : 403
}

interface Case {
  name: string
  op: 'read' | 'write'
  ok: number
  /** Builds the request for one persona on one model (may prepare fixtures as the site admin). */
  request: (
    model: string,
    p: Persona,
  ) => Promise<{ method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'; url: string; payload?: unknown }>
}

describe.each(dialects)('authorization matrix on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const tokens = new Map<Persona, string>()
  let n = 0
  const as = (p: Persona) => ({ authorization: p === 'anonymous' ? '' : `Bearer ${tokens.get(p)}` })
  const admin = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
    t.app.inject({ method, url, ...(payload !== undefined && { payload: payload as object }) })

  const user = (username: string, org: string, role: 'viewer' | 'member' | 'admin') =>
    userToken(t, username, { org, role, scope: role === 'admin' ? 'admin' : 'write' })

  /** A fresh model of the given kind, owned by "owner" (so deletes and stage moves never interfere). */
  async function model(kind: Kind): Promise<string> {
    const name = `${kind}-model-${++n}`
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { org: 'acme', name, framework: 'pytorch', publicAccess: kind === 'public' },
      headers: as('owner'),
    })
    expect(res.statusCode, res.payload).toBe(201)
    const base = `/api/v1/models/acme/${name}`
    await admin('PUT', `${base}/versions/1.0.0/artifacts/config.json`, Buffer.from('{}'))
    return base
  }

  beforeAll(async () => {
    t = await openTestApp(dialect)
    expect((await admin('POST', '/api/v1/orgs', { name: 'acme' })).statusCode).toBe(201)
    expect((await admin('POST', '/api/v1/orgs', { name: 'other' })).statusCode).toBe(201)
    tokens.set('outsider', await user('outsider', 'other', 'member'))
    tokens.set('viewer', await user('viewer', 'acme', 'viewer'))
    tokens.set('member', await user('member', 'acme', 'member'))
    tokens.set('owner', await user('owner', 'acme', 'member'))
    tokens.set('admin', await user('orgadmin', 'acme', 'admin'))
  })
  afterAll(async () => {
    await t.close()
  })

  const cases: Case[] = [
    { name: 'GET model', op: 'read', ok: 200, request: async (m) => ({ method: 'GET', url: m }) },
    { name: 'GET versions', op: 'read', ok: 200, request: async (m) => ({ method: 'GET', url: `${m}/versions` }) },
    {
      name: 'GET version',
      op: 'read',
      ok: 200,
      request: async (m) => ({ method: 'GET', url: `${m}/versions/latest` }),
    },
    {
      name: 'GET stage history',
      op: 'read',
      ok: 200,
      request: async (m) => ({ method: 'GET', url: `${m}/versions/1.0.0/stages` }),
    },
    { name: 'GET events', op: 'read', ok: 200, request: async (m) => ({ method: 'GET', url: `${m}/events` }) },
    {
      name: 'GET artifacts',
      op: 'read',
      ok: 200,
      request: async (m) => ({ method: 'GET', url: `${m}/versions/1.0.0/artifacts` }),
    },
    {
      name: 'GET artifact',
      op: 'read',
      ok: 200,
      request: async (m) => ({ method: 'GET', url: `${m}/versions/1.0.0/artifacts/config.json` }),
    },
    {
      name: 'GET archive',
      op: 'read',
      ok: 200,
      request: async (m) => ({ method: 'GET', url: `${m}/versions/1.0.0/archive` }),
    },
    {
      name: 'GET deployments of the model',
      op: 'read',
      ok: 200,
      request: async (m) => ({ method: 'GET', url: `/api/v1/deployments?model=${m.slice('/api/v1/models/'.length)}` }),
    },
    { name: 'GET metric trend', op: 'read', ok: 200, request: async (m) => ({ method: 'GET', url: `${m}/metrics` }) },
    {
      name: 'GET downloads of the model',
      op: 'read',
      ok: 200,
      request: async (m) => ({
        method: 'GET',
        url: `/api/v1/analytics/downloads?model=${m.slice('/api/v1/models/'.length)}`,
      }),
    },
    {
      name: 'PATCH model',
      op: 'write',
      ok: 200,
      request: async (m) => ({ method: 'PATCH', url: m, payload: { modelType: 'resnet' } }),
    },
    {
      name: 'POST version',
      op: 'write',
      ok: 201,
      request: async (m, p) => ({
        method: 'POST',
        url: `${m}/versions`,
        payload: { version: `2.${personas.indexOf(p)}.0` },
      }),
    },
    {
      name: 'PATCH version',
      op: 'write',
      ok: 200,
      request: async (m) => ({ method: 'PATCH', url: `${m}/versions/1.0.0`, payload: { description: 'edited' } }),
    },
    {
      name: 'POST stage',
      op: 'write',
      ok: 200,
      request: async (m, p) => {
        const version = `3.${personas.indexOf(p)}.0`
        await admin('POST', `${m}/versions`, { version })
        return { method: 'POST', url: `${m}/versions/${version}/stage`, payload: { stage: 'staging' } }
      },
    },
    {
      name: 'PUT artifact',
      op: 'write',
      ok: 201,
      request: async (m) => ({
        method: 'PUT',
        url: `${m}/versions/1.0.0/artifacts/notes.txt`,
        payload: Buffer.from('hi'),
      }),
    },
    {
      name: 'DELETE artifact',
      op: 'write',
      ok: 204,
      request: async (m, p) => {
        await admin('PUT', `${m}/versions/1.0.0/artifacts/tmp-${p}.txt`, Buffer.from(p))
        return { method: 'DELETE', url: `${m}/versions/1.0.0/artifacts/tmp-${p}.txt` }
      },
    },
    {
      name: 'POST upload session',
      op: 'write',
      ok: 201,
      request: async (m) => ({ method: 'POST', url: `${m}/versions/1.0.0/uploads`, payload: { path: 'big.bin' } }),
    },
    {
      name: 'POST deployment',
      op: 'write',
      ok: 201,
      request: async (m, p) => {
        // The earlier cases uploaded files: deploying waits for their inspection (the safety gate), done here.
        await inspectAll(t)
        return {
          method: 'POST',
          url: '/api/v1/deployments',
          payload: { model: m.slice('/api/v1/models/'.length), version: '1.0.0', environment: `env-${p}` },
        }
      },
    },
    {
      name: 'DELETE version',
      op: 'write',
      ok: 204,
      request: async (m, p) => {
        const version = `4.${personas.indexOf(p)}.0`
        await admin('POST', `${m}/versions`, { version })
        return { method: 'DELETE', url: `${m}/versions/${version}` }
      },
    },
    { name: 'GET shares', op: 'write', ok: 200, request: async (m) => ({ method: 'GET', url: `${m}/shares` }) },
  ]

  for (const kind of ['public', 'private'] as const) {
    describe(`${kind} model`, () => {
      let m: string
      beforeAll(async () => {
        m = await model(kind)
      })
      for (const c of cases) {
        it.each(personas)(`${c.name}: %s`, async (p) => {
          const req = await c.request(m, p)
          const res = await t.app.inject({
            method: req.method,
            url: req.url,
            headers: { ...as(p), ...(Buffer.isBuffer(req.payload) && { 'content-type': 'application/octet-stream' }) },
            ...(req.payload !== undefined && { payload: req.payload as object }),
          })
          expect(res.statusCode, res.payload).toBe(expected(p, kind, c.op, c.ok))
          if (res.statusCode === 404) {
            // Nothing about the model beyond the name the caller already sent.
            expect(res.json().error.code).toBe('NOT_FOUND')
            expect(res.payload).not.toMatch(/owner|publicAccess|pytorch|config\.json/)
          }
        })
      }

      it.each(personas)('DELETE model: %s', async (p) => {
        const victim = await model(kind)
        const res = await t.app.inject({ method: 'DELETE', url: victim, headers: as(p) })
        expect(res.statusCode, res.payload).toBe(expected(p, kind, 'write', 204))
      })
    })
  }

  it.each(personas)('lists and counts only what %s may see', async (p) => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/models?org=acme&limit=500', headers: as(p) })
    if (p === 'anonymous') return expect(res.statusCode).toBe(401)
    expect(res.statusCode).toBe(200)
    const items = res.json().items as { name: string; publicAccess: boolean; createdBy: string }[]
    if (p === 'outsider') {
      const summary = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/summary', headers: as(p) })
      expect(summary.json().totals.models).toBe(0)
      return expect(items).toEqual([])
    }
    const privateOnes = items.filter((i) => !i.publicAccess)
    if (p === 'viewer' || p === 'member') expect(privateOnes).toEqual([])
    else expect(privateOnes.length).toBeGreaterThan(0)
    expect(items.filter((i) => i.publicAccess).length).toBeGreaterThan(0)
    // The Analytics page counts exactly the models the list shows.
    const summary = await t.app.inject({ method: 'GET', url: '/api/v1/analytics/summary?org=acme', headers: as(p) })
    expect(summary.json().totals.models).toBe(items.length)
    const deployments = await t.app.inject({ method: 'GET', url: '/api/v1/deployments?limit=500', headers: as(p) })
    const models = new Set((deployments.json().items as { model: string }[]).map((d) => d.model))
    for (const ref of models) {
      if (p === 'viewer' || p === 'member') expect(ref).toMatch(/public-model/)
    }
  })
})
