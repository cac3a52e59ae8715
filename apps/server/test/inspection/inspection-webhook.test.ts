// The inspection.completed event: recorded when the last of a version's files gets its verdict, in the verdict's
// transaction, and delivered to a webhook subscribed to it by the real worker to a real receiving server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebhookWorker } from '../../src/services/webhook-worker.js'
import { evilGlobalReduce, safetensors } from '../helpers/model-files.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js'
import { createModel, eventsOf, inspectAll, send, type TestApp, versionPath } from '../routes/route-kit.js'

describe.each(dialects)('inspection.completed on %s', (dialect) => {
  let t: TestApp
  let receiver: Receiver
  let worker: WebhookWorker
  beforeAll(async () => {
    t = await openTestApp(dialect, { webhooks: { allowPrivate: true } })
    receiver = await startReceiver()
    worker = new WebhookWorker({ store: t.store, allowPrivate: true })
    worker.start(60_000)
  })
  afterAll(async () => {
    await worker?.stop()
    await receiver?.close()
    await t?.close()
  })

  const upload = async (name: string, path: string, bytes: Uint8Array) => {
    const res = await t.app.inject({
      method: 'PUT',
      url: `${versionPath(name, '1.0.0')}/artifacts/${path}`,
      payload: Buffer.from(bytes),
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(res.statusCode, res.body).toBe(201)
  }

  it('delivers the verdict and its findings once every file of the version is inspected', async () => {
    const hook = await send(t, 'POST', '/api/v1/orgs/default/webhooks', {
      url: receiver.url,
      events: ['inspection.completed'],
    })
    expect(hook.statusCode, hook.body).toBe(201)
    receiver.secrets = [hook.json().secret]
    const { name } = await createModel(t)
    await upload(name, 'model.safetensors', safetensors({ [`${dialect}.weight`]: { dtype: 'F32', shape: [3, 2] } }))
    await upload(name, 'model.pkl', evilGlobalReduce())
    await inspectAll(t)

    const [got] = await receiver.waitFor((r) => r.length >= 1)
    expect(got?.verified).toBe(true)
    expect(got?.event).toBe('inspection.completed')
    expect(got?.json).toMatchObject({
      type: 'inspection.completed',
      model: `default/${name}`,
      version: '1.0.0',
      actor: 'modelreg',
      data: {
        verdict: 'dangerous',
        files: 2,
        verdicts: { dangerous: 1, safe: 1 },
        findings: [{ path: 'model.pkl', verdict: 'dangerous', code: 'dangerous-global', detail: 'imports os.system' }],
      },
    })
    // Two files, one event: the first file's verdict did not complete the version.
    const events = (await eventsOf(t, name)).filter((e) => e.type === 'inspection.completed')
    expect(events).toHaveLength(1)
  })
})
