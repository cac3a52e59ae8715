// Inspection end to end over HTTP on both dialects: upload, the worker loop (real worker threads), the report,
// the version facts, the models filter, re-runs, the safety gate and its override, and compare.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InspectionWork } from '../../src/services/inspection.service.js'
import { evilGlobalReduce, onnx, safetensors, torchZip } from '../helpers/model-files.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel,
  createVersion,
  eventsOf,
  expectError,
  getJson,
  modelPath,
  send,
  type TestApp,
  userToken,
  versionPath,
} from '../routes/route-kit.js'

const weights = safetensors({ 'fc.weight': { dtype: 'F32', shape: [8, 4] }, 'fc.bias': { dtype: 'F32', shape: [8] } })
const graph = onnx({
  inputs: [{ name: 'pixels', elemType: 1, dims: ['batch', 3, 32, 32] }],
  outputs: [{ name: 'logits', elemType: 1, dims: ['batch', 10] }],
  nodes: [{ op: 'Conv' }, { op: 'Relu' }],
  initializers: [{ name: 'w', dims: [10, 3, 3, 3], dataType: 1, rawBytes: 1080 }],
})

describe.each(dialects)('inspection on %s', (dialect) => {
  let t: TestApp
  let work: InspectionWork
  const bearer = new Map<string, { authorization: string }>()
  beforeAll(async () => {
    t = await openTestApp(dialect)
    for (const [username, role] of [
      ['olga', 'admin'],
      ['max', 'member'],
    ] as const) {
      bearer.set(username, { authorization: `Bearer ${await userToken(t, username, { role })}` })
    }
  })
  afterAll(async () => {
    await work?.stop()
    await t.close()
  })

  const as = (who: string | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
    t.app.inject({ method, url, ...(who && { headers: bearer.get(who) }), ...(payload && { payload }) })
  const upload = async (name: string, version: string, path: string, bytes: Uint8Array, who?: string) => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `${versionPath(name, version)}/artifacts/${path}`,
      payload: Buffer.from(bytes),
      headers: { 'content-type': 'application/octet-stream', ...(who && bearer.get(who)) },
    })
    expect(res.statusCode, res.body).toBe(201)
  }
  const inspectionOf = (name: string, version: string) => getJson(t, `${versionPath(name, version)}/inspection`)

  it('reports every file after the worker has run: format, parameters, dtypes, inputs and verdicts', async () => {
    const { name } = await createModel(t)
    await upload(name, '1.0.0', 'model.safetensors', weights)
    await upload(name, '1.0.0', 'model.onnx', graph)
    await upload(name, '1.0.0', 'README.md', new TextEncoder().encode('# hello'))
    // Written with the upload, before any worker ran (this replica's loop starts only now): pending.
    const before = await inspectionOf(name, '1.0.0')
    expect(before.status).toBe('pending')
    expect(before.files).toHaveLength(3)
    work = t.services.inspections.startWorking({ holder: 'test-replica', everyMs: 60_000 })
    await work.runUntilIdle()
    const after = await inspectionOf(name, '1.0.0')
    expect(after.status).toBe('done')
    expect(after.verdict).toBe('safe')
    const byPath = Object.fromEntries(after.files.map((f: { path: string }) => [f.path, f]))
    expect(byPath['model.safetensors']).toMatchObject({
      format: 'safetensors',
      summary: { parameters: 40, dtypes: ['F32'] },
      safety: { verdict: 'safe', findings: [] },
    })
    expect(byPath['model.onnx']).toMatchObject({
      format: 'onnx',
      summary: {
        parameters: 270,
        inputs: [{ name: 'pixels', dtype: 'float32', shape: ['batch', 3, 32, 32] }],
        outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }],
      },
    })
    expect(byPath['README.md']).toEqual({
      path: 'README.md',
      format: 'unknown',
      summary: {},
      safety: { verdict: 'none', findings: [] },
    })
    // The version object: worst verdict, format and parameters of the largest inspected file.
    const v = await getJson(t, versionPath(name, '1.0.0'))
    expect(v).toMatchObject({ verdict: 'safe', format: 'onnx', parameters: 270 })
    const list = await getJson(t, `${modelPath(name)}/versions`)
    expect(list.items[0]).toMatchObject({ verdict: 'safe', format: 'onnx' })
  })

  it('flags a malicious pickle as dangerous and filters the models list on the verdict', async () => {
    const { name } = await createModel(t)
    await upload(name, '1.0.0', 'pytorch_model.bin', torchZip(evilGlobalReduce()))
    await work.runUntilIdle()
    const report = await inspectionOf(name, '1.0.0')
    expect(report.verdict).toBe('dangerous')
    expect(report.files[0].safety.findings).toContainEqual({
      code: 'dangerous-global',
      detail: 'imports os.system (in archive/data.pkl)',
    })
    const dangerous = await getJson(t, `/api/v1/models?verdict=dangerous&limit=500`)
    expect(dangerous.items.map((m: { name: string }) => m.name)).toContain(name)
    const safe = await getJson(t, `/api/v1/models?verdict=safe&limit=500`)
    expect(safe.items.map((m: { name: string }) => m.name)).not.toContain(name)
    expectError(await send(t, 'GET', '/api/v1/models?verdict=evil'), 400, 'VALIDATION_FAILED')
  })

  it('re-runs on demand with 202, pending until the worker has run again', async () => {
    const { name } = await createModel(t)
    await upload(name, '1.0.0', 'model.safetensors', weights)
    await work.runUntilIdle()
    const res = await send(t, 'POST', `${versionPath(name, '1.0.0')}/inspection`)
    expect(res.statusCode, res.body).toBe(202)
    expect(res.json().status).toBe('pending')
    await work.runUntilIdle()
    expect((await inspectionOf(name, '1.0.0')).status).toBe('done')
    expectError(await send(t, 'POST', `${versionPath(name, '9.9.9')}/inspection`), 404, 'NOT_FOUND')
  })

  it('refuses Production and deployments of a dangerous version with UNSAFE_ARTIFACT and its findings', async () => {
    const { name } = await as('max', 'POST', '/api/v1/models', {
      name: `gate-${dialect}-${Date.now()}`,
      framework: 'pytorch',
    }).then((r) => r.json())
    await upload(name, '1.0.0', 'model.pkl', evilGlobalReduce(), 'max')
    await work.runUntilIdle()
    const stage = `${versionPath(name, '1.0.0')}/stage`
    const refused = expectError(await as('max', 'POST', stage, { stage: 'production' }), 409, 'UNSAFE_ARTIFACT')
    expect(refused.details.findings).toEqual([
      { path: 'model.pkl', code: 'dangerous-global', detail: 'imports os.system' },
    ])
    const deploy = { model: `default/${name}`, version: '1.0.0', environment: 'prod' }
    expectError(await as('max', 'POST', '/api/v1/deployments', deploy), 409, 'UNSAFE_ARTIFACT')
    // Staging is not gated.
    expect((await as('max', 'POST', stage, { stage: 'staging' })).statusCode).toBe(200)
    // A member (the owner) may not override; an organisation admin may, and it is recorded.
    const override = { reason: 'reviewed: the payload is a test fixture' }
    expectError(await as('max', 'POST', stage, { stage: 'production', override }), 403, 'FORBIDDEN')
    expectError(await as('max', 'POST', '/api/v1/deployments', { ...deploy, override }), 403, 'FORBIDDEN')
    const allowed = await as('olga', 'POST', stage, { stage: 'production', override })
    expect(allowed.statusCode, allowed.body).toBe(200)
    expect(allowed.json().transition).toMatchObject({ to: 'production', actor: 'olga', override })
    const history = (await getJson(t, `${versionPath(name, '1.0.0')}/stages`)).items
    expect(history.at(-1)).toMatchObject({ to: 'production', override })
    const deployed = await as('olga', 'POST', '/api/v1/deployments', { ...deploy, override })
    expect(deployed.statusCode, deployed.body).toBe(201)
    const events = await eventsOf(t, name)
    expect(events.find((e) => e.type === 'stage.changed' && e.data.to === 'production')?.data.override).toEqual(
      override,
    )
    expect(events.find((e) => e.type === 'deployment.started')?.data.override).toEqual(override)
    // The audit log (site admins) shows it too.
    const audit = await getJson(t, `/api/v1/audit?model=${encodeURIComponent(`default/${name}`)}`)
    expect(audit.items.some((e: { data: { override?: unknown } }) => e.data.override !== undefined)).toBe(true)
  })

  it('lets a safe version through the gate without an override', async () => {
    const { name } = await createModel(t)
    await upload(name, '1.0.0', 'model.safetensors', weights)
    await work.runUntilIdle()
    expect((await send(t, 'POST', `${versionPath(name, '1.0.0')}/stage`, { stage: 'production' })).statusCode).toBe(200)
  })

  it('compares two real versions: files by sha256, metadata, metric deltas and inspection', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0', { description: 'bigger head', metrics: { accuracy: 0.9 } })
    await send(t, 'PATCH', versionPath(name, '1.0.0'), { metrics: { accuracy: 0.8, loss: 0.3 } })
    await upload(name, '1.0.0', 'model.safetensors', weights)
    await upload(name, '1.0.0', 'notes.txt', new TextEncoder().encode('old'))
    await upload(name, '1.0.0', 'same.txt', new TextEncoder().encode('same'))
    await upload(name, '1.1.0', 'model.safetensors', safetensors({ 'fc.weight': { dtype: 'F16', shape: [16, 4] } }))
    await upload(name, '1.1.0', 'same.txt', new TextEncoder().encode('same'))
    await upload(name, '1.1.0', 'model.pkl', evilGlobalReduce())
    await work.runUntilIdle()
    const diff = await getJson(t, `${modelPath(name)}/compare?from=1.0.0&to=1.1.0`)
    expect(diff.files).toEqual({ added: ['model.pkl'], removed: ['notes.txt'], changed: ['model.safetensors'] })
    expect(diff.metadata.description).toEqual({ from: expect.any(String), to: 'bigger head' })
    expect(diff.metrics.accuracy.delta).toBeCloseTo(0.1)
    expect(diff.metrics.loss).toEqual({ from: 0.3, to: null, delta: null })
    expect(diff.inspection.verdict).toEqual({ from: 'safe', to: 'dangerous' })
    expect(diff.inspection.parameters).toEqual({ from: 40, to: 64, delta: 24 })
    expect(diff.inspection.files['model.safetensors']).toEqual({
      parameters: { from: 40, to: 64 },
      dtypes: { from: ['F32'], to: ['F16'] },
    })
    expectError(await send(t, 'GET', `${modelPath(name)}/compare?from=1.0.0`), 400, 'VALIDATION_FAILED')
    expectError(await send(t, 'GET', `${modelPath(name)}/compare?from=1.0.0&to=7.0.0`), 404, 'NOT_FOUND')
  })
})
