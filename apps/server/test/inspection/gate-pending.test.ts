// The gate and inspections still pending (ADR 0025): a version with files never inspected is refused Production and
// deployment with 409 INSPECTION_PENDING naming them and a Retry-After, unless an organisation admin overrides; once
// the files are inspected it goes through, and a file waiting for a re-run keeps its verdict (no refusal).
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { safetensors } from '../helpers/model-files.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel as createModelIn,
  expectError,
  getJson,
  inspectAll,
  send,
  type TestApp,
  versionPath,
} from '../routes/route-kit.js'

const weights = safetensors({ 'fc.weight': { dtype: 'F32', shape: [2, 2] } })

describe.each(dialects)('the gate and pending inspections on %s', (dialect) => {
  let t: TestApp
  const bearer = new Map<string, { authorization: string }>()
  beforeAll(async () => {
    // No inspection loop runs in this app until inspectAll(): uploads stay pending as long as the test needs.
    t = await openTestApp(dialect)
    for (const [username, role] of [
      ['pia', 'admin'],
      ['mo', 'member'],
    ] as const) {
      await send(t, 'POST', '/api/v1/users', { username, password: `${username}-password` })
      await t.app.inject({ method: 'PUT', url: `/api/v1/orgs/default/members/${username}`, payload: { role } })
      const user = await t.store.pool.users.findByUsername(username)
      const token = await t.services.auth.createToken(
        { ...t.admin, userId: user?.id ?? '', username, siteAdmin: false },
        { name: 't', scope: 'write' },
      )
      bearer.set(username, { authorization: `Bearer ${token.token}` })
    }
  })
  afterAll(() => t?.close())

  const as = (who: string, method: 'POST', url: string, payload: object) =>
    t.app.inject({ method, url, headers: bearer.get(who), payload })
  /** A model of mo's (a member): mo may change it but not override the gate. */
  const createModel = async () => {
    const res = await as('mo', 'POST', '/api/v1/models', exampleModel({ name: uniqueName('pending') }))
    expect(res.statusCode, res.body).toBe(201)
    return res.json().name as string
  }
  const upload = async (name: string, path: string, bytes: Uint8Array) => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `${versionPath(name, '1.0.0')}/artifacts/${path}`,
      payload: Buffer.from(bytes),
      headers: { 'content-type': 'application/octet-stream', ...bearer.get('mo') },
    })
    expect(res.statusCode, res.body).toBe(201)
  }

  it('refuses Production and deployment while files are pending, with the paths and a retry hint', async () => {
    const name = await createModel()
    await upload(name, 'model.safetensors', weights)
    await upload(name, 'README.md', new TextEncoder().encode('# notes'))
    const stage = `${versionPath(name, '1.0.0')}/stage`
    const res = await as('mo', 'POST', stage, { stage: 'production' })
    const error = expectError(res, 409, 'INSPECTION_PENDING')
    expect(error.details).toEqual({ pending: ['README.md', 'model.safetensors'], retryAfter: 5 })
    expect(res.headers['retry-after']).toBe('5')
    expect(error.message).toMatch(/not inspected yet/)
    const deploy = { model: `default/${name}`, version: '1.0.0', environment: 'prod' }
    expectError(await as('mo', 'POST', '/api/v1/deployments', deploy), 409, 'INSPECTION_PENDING')
    // Nothing moved; Staging is not gated.
    expect((await getJson(t, versionPath(name, '1.0.0'))).stage).toBe('development')
    expect((await as('mo', 'POST', stage, { stage: 'staging' })).statusCode).toBe(200)

    // Once inspected (safe), it goes through without an override.
    await inspectAll(t)
    const moved = await as('mo', 'POST', stage, { stage: 'production' })
    expect(moved.statusCode, moved.body).toBe(200)

    // A re-run queues the files again, but their verdicts stand meanwhile: no refusal.
    expect((await as('mo', 'POST', `${versionPath(name, '1.0.0')}/inspection`, {})).statusCode).toBe(202)
    expect((await getJson(t, `${versionPath(name, '1.0.0')}/inspection`)).status).toBe('pending')
    const again = await as('mo', 'POST', '/api/v1/deployments', deploy)
    expect(again.statusCode, again.body).toBe(201)
  })

  it('lets an organisation admin override a pending inspection, recorded; a member may not', async () => {
    const name = await createModel()
    // Bytes of their own: identical bytes share one inspection, and the first test's are inspected by now.
    await upload(name, 'model.safetensors', safetensors({ 'other.weight': { dtype: 'F16', shape: [3] } }))
    const stage = `${versionPath(name, '1.0.0')}/stage`
    const override = { reason: 'hotfix: inspected by hand' }
    expectError(await as('mo', 'POST', stage, { stage: 'production', override }), 403, 'FORBIDDEN')
    const allowed = await as('pia', 'POST', stage, { stage: 'production', override })
    expect(allowed.statusCode, allowed.body).toBe(200)
    expect(allowed.json().transition).toMatchObject({ to: 'production', override })
    const history = (await getJson(t, `${versionPath(name, '1.0.0')}/stages`)).items
    expect(history.find((h: { to: string }) => h.to === 'production')).toMatchObject({ override })
  })

  it('queues a job for a file that has none, rather than waiting on it forever', async () => {
    const name = await createModel()
    const bytes = safetensors({ 'unqueued.weight': { dtype: 'F32', shape: [7] } })
    await upload(name, 'model.safetensors', bytes)
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    await t.db.kysely.deleteFrom('inspections').where('sha256', '=', sha256).execute()
    const stage = `${versionPath(name, '1.0.0')}/stage`
    expectError(await as('mo', 'POST', stage, { stage: 'production' }), 409, 'INSPECTION_PENDING')
    expect((await t.store.pool.inspections.find([sha256])).get(sha256)?.status).toBe('pending')
    await inspectAll(t)
    expect((await as('mo', 'POST', stage, { stage: 'production' })).statusCode).toBe(200)
  })

  it('does not hold back a version without files', async () => {
    const name = await createModel()
    const moved = await as('mo', 'POST', `${versionPath(name, '1.0.0')}/stage`, { stage: 'production' })
    expect(moved.statusCode, moved.body).toBe(200)
  })

  it('waits for files still being inspected when told to, and goes through once their verdicts are in', async () => {
    const waiting = await openTestApp(dialect, { inspectionGateWaitMs: 60_000 })
    try {
      const name = (await createModelIn(waiting)).name
      const res = await waiting.app.inject({
        method: 'PUT',
        url: `${versionPath(name, '1.0.0')}/artifacts/model.safetensors`,
        payload: Buffer.from(safetensors({ 'waited.weight': { dtype: 'F32', shape: [5] } })),
        headers: { 'content-type': 'application/octet-stream' },
      })
      expect(res.statusCode, res.body).toBe(201)
      // Asked while the file is pending and no replica inspects yet; a replica's loop starts afterwards.
      const moving = waiting.app.inject({
        method: 'POST',
        url: `${versionPath(name, '1.0.0')}/stage`,
        payload: { stage: 'production' },
      })
      await inspectAll(waiting)
      const moved = await moving
      expect(moved.statusCode, moved.body).toBe(200)
      expect(moved.json().transition).not.toHaveProperty('override')
    } finally {
      await waiting.close()
    }
  })
})
