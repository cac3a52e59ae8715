// Webhook deliveries end to end: changes through the HTTP API, the outbox, the worker and a real receiving server
// that checks every signature. Retries are made due by moving the worker's clock; tests wait for arrivals.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { verifySignature } from '../../src/domain/webhook-signature.js'
import { WebhookWorker } from '../../src/services/webhook-worker.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import { type Receiver, startReceiver } from '../helpers/webhook-receiver.js'
import { createModel, createVersion, getJson, send, type TestApp, versionPath } from '../routes/route-kit.js'

const hooksPath = '/api/v1/orgs/default/webhooks'

describe.each(dialects)('webhook deliveries on %s', (dialect) => {
  let t: TestApp
  let nowMs = Date.parse('2026-06-01T12:00:00.000Z')
  const clock = () => nowMs
  const receivers: Receiver[] = []
  const workers: WebhookWorker[] = []

  beforeAll(async () => {
    t = await openTestApp(dialect, { webhooks: { allowPrivate: true } })
  })
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.stop()
    // One test's webhooks must not receive the next one's events.
    for (const h of (await getJson(t, hooksPath)).items) await send(t, 'DELETE', `${hooksPath}/${h.id}`)
    for (const r of receivers.splice(0)) await r.close()
  })
  afterAll(async () => {
    await t.close()
  })

  function worker(opts: Partial<ConstructorParameters<typeof WebhookWorker>[0]> = {}) {
    const w = new WebhookWorker({ store: t.store, allowPrivate: true, now: clock, ...opts })
    workers.push(w)
    return w
  }

  /** A receiver and a webhook pointing at it; the receiver knows the secret. */
  async function subscribe(body: Record<string, unknown> = {}) {
    const receiver = await startReceiver({ nowSeconds: () => nowMs / 1000 })
    receivers.push(receiver)
    const res = await send(t, 'POST', hooksPath, { url: receiver.url, ...body })
    expect(res.statusCode, res.body).toBe(201)
    const hook = res.json()
    receiver.secrets = [hook.secret]
    return { receiver, hook }
  }

  const deliveriesOf = async (id: string) => (await getJson(t, `${hooksPath}/${id}/deliveries?limit=500`)).items

  it('promoting a version to Production delivers a signed stage.changed event, woken by the commit', async () => {
    const { receiver, hook } = await subscribe({ events: ['stage.changed'] })
    // Polls once a minute: only the commit's wake-up can deliver this in time for the wait below.
    const w = worker()
    w.start(60_000)
    const model = await createModel(t)
    const res = await send(t, 'POST', `${versionPath(model.name, '1.0.0')}/stage`, { stage: 'production' })
    expect(res.statusCode, res.body).toBe(200)
    const [got] = await receiver.waitFor((r) => r.length >= 1)
    expect(got?.verified).toBe(true)
    expect(got?.event).toBe('stage.changed')
    expect(got?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/)
    expect(got?.json).toEqual({
      id: got?.delivery,
      type: 'stage.changed',
      eventId: expect.any(Number),
      org: 'default',
      model: `default/${model.name}`,
      version: '1.0.0',
      actor: 'admin',
      at: expect.any(String),
      data: expect.objectContaining({ to: 'production' }),
    })
    await w.idle()
    const [logged] = await deliveriesOf(hook.id)
    expect(logged).toMatchObject({ id: got?.delivery, event: 'stage.changed', attempt: 1, status: 'succeeded' })
    expect(logged.responseStatus).toBe(200)
    expect(logged.attempts[0]).toMatchObject({
      attempt: 1,
      succeeded: true,
      responseStatus: 200,
      responseExcerpt: 'ok',
    })
  })

  it('retries a failing receiver with backoff (first retry within 30 s) and the same delivery id', async () => {
    const { receiver, hook } = await subscribe({ events: ['version.created'] })
    receiver.respond = (_r, nth) => (nth < 3 ? 503 : 200)
    const w = worker()
    const model = await createModel(t)
    await w.drain()
    await receiver.waitFor((r) => r.length === 1)
    const [first] = await deliveriesOf(hook.id)
    expect(first).toMatchObject({ status: 'pending', attempt: 1, responseStatus: 503 })
    const wait = Date.parse(first.nextAttemptAt) - Date.parse(first.attempts[0].at)
    expect(wait).toBeGreaterThan(0)
    expect(wait).toBeLessThanOrEqual(30_000)
    // Not due yet: nothing is sent.
    await w.drain()
    expect(receiver.received).toHaveLength(1)
    for (let n = 2; n <= 4; n++) {
      const [d] = await deliveriesOf(hook.id)
      nowMs = Date.parse(d.nextAttemptAt)
      await w.drain()
      await receiver.waitFor((r) => r.length === n)
    }
    expect(receiver.received.map((r) => r.answered)).toEqual([503, 503, 503, 200])
    expect(new Set(receiver.received.map((r) => r.delivery)).size).toBe(1)
    expect(receiver.received.every((r) => r.verified)).toBe(true)
    expect(receiver.received[0]?.json.model).toBe(`default/${model.name}`)
    const [done] = await deliveriesOf(hook.id)
    expect(done).toMatchObject({ status: 'succeeded', attempt: 4, responseStatus: 200, nextAttemptAt: null })
    expect(done.attempts.map((a: { responseStatus: number }) => a.responseStatus)).toEqual([503, 503, 503, 200])
    expect(done.attempts[0].responseExcerpt).toContain('failing on purpose')
    // The waits grow.
    const times = done.attempts.map((a: { at: string }) => Date.parse(a.at))
    expect(times[2] - times[1]).toBeGreaterThan(times[1] - times[0])
  })

  it('keeps each model in order: a later event waits while an earlier one of the same model is retried', async () => {
    const { receiver } = await subscribe({ events: ['version.created'] })
    const a = await createModel(t, { version: '1.0.0' })
    const b = await createModel(t, { version: '1.0.0' })
    // The first delivery about model a fails once.
    let failedA = false
    receiver.respond = (r) => {
      if (r.json.model === `default/${a.name}` && !failedA) {
        failedA = true
        return 500
      }
      return 200
    }
    await createVersion(t, a.name, '1.1.0')
    await createVersion(t, b.name, '1.1.0')
    await createVersion(t, a.name, '1.2.0')
    const w = worker()
    await w.drain()
    // b's two events went; a's later ones wait behind its first.
    await receiver.waitFor((r) => r.filter((x) => x.answered === 200).length === 2)
    const ok = () => receiver.received.filter((x) => x.answered === 200)
    expect(ok().map((x) => `${x.json.model}@${x.json.version}`)).toEqual([
      `default/${b.name}@1.0.0`,
      `default/${b.name}@1.1.0`,
    ])
    nowMs += 60_000
    await w.drain()
    await receiver.waitFor((r) => r.filter((x) => x.answered === 200).length === 5)
    const ofA = ok().filter((x) => x.json.model === `default/${a.name}`)
    expect(ofA.map((x) => x.json.version)).toEqual(['1.0.0', '1.1.0', '1.2.0'])
    expect(receiver.received.every((r) => r.verified)).toBe(true)
  })

  it('a restart mid-backlog loses nothing: the attempt in flight is sent again by the next start', async () => {
    const { receiver, hook } = await subscribe({ events: ['version.created'] })
    let inFlight: () => void = () => {}
    const hung = new Promise<void>((resolve) => {
      inFlight = resolve
    })
    let hungOnce = false
    receiver.respond = () => {
      if (hungOnce) return 200
      hungOnce = true
      inFlight()
      return 'hang'
    }
    const model = await createModel(t, { version: '1.0.0' })
    for (const v of ['1.1.0', '1.2.0', '1.3.0', '1.4.0']) await createVersion(t, model.name, v)
    const first = worker()
    const running = first.drain()
    await hung
    // The registry stops while the first delivery is on the wire: nothing of it is recorded.
    await first.stop()
    await running
    expect((await deliveriesOf(hook.id)).every((d: { status: string }) => d.status === 'pending')).toBe(true)
    // The next start opens the same database afresh and works the backlog off.
    const restarted = await t.reopen()
    try {
      const second = new WebhookWorker({ store: restarted.store, allowPrivate: true, now: clock })
      await second.drain()
      await second.stop()
    } finally {
      await restarted.db.close()
    }
    const got = await receiver.waitFor((r) => r.length === 5)
    expect(got.map((r) => r.json.version)).toEqual(['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'])
    expect(got.every((r) => r.verified)).toBe(true)
    expect((await deliveriesOf(hook.id)).every((d: { status: string }) => d.status === 'succeeded')).toBe(true)
  })

  it('gives a delivery up after the retry period, disables a webhook that kept failing and says why', async () => {
    const { receiver, hook } = await subscribe({ events: ['version.created'] })
    receiver.respond = () => 500
    const w = worker({ retryDelaysMs: [1000, 2000] })
    await createModel(t)
    await w.drain()
    for (const n of [2, 3]) {
      nowMs += 10_000
      await w.drain()
      await receiver.waitFor((r) => r.length === n)
    }
    const [d] = await deliveriesOf(hook.id)
    expect(d).toMatchObject({ status: 'failed', attempt: 3, nextAttemptAt: null })
    const after = await getJson(t, `${hooksPath}/${hook.id}`)
    expect(after.enabled).toBe(false)
    expect(after.disabledReason).toMatch(/failed .*3 attempts.*HTTP 500/)
    const audit = (await getJson(t, '/api/v1/audit?actor=modelreg')).items
    expect(audit).toContainEqual(
      expect.objectContaining({
        type: 'webhook.disabled',
        data: expect.objectContaining({ webhook: hook.id, reason: after.disabledReason }),
      }),
    )
    // Disabled: new events queue nothing for it.
    await createModel(t)
    expect(await deliveriesOf(hook.id)).toHaveLength(1)
  })

  it('redelivers with the same id and body, pings, and signs with both secrets during a rotation', async () => {
    const { receiver, hook } = await subscribe({ events: ['model.created'] })
    const w = worker()
    await createModel(t)
    await w.drain()
    const [original] = await receiver.waitFor((r) => r.length === 1)
    const redo = await send(t, 'POST', `${hooksPath}/${hook.id}/deliveries/${original?.delivery}/redeliver`)
    expect(redo.statusCode, redo.body).toBe(202)
    await w.drain()
    const [, again] = await receiver.waitFor((r) => r.length === 2)
    expect(again?.delivery).toBe(original?.delivery)
    expect(again?.body).toBe(original?.body)

    const ping = await send(t, 'POST', `${hooksPath}/${hook.id}/ping`)
    expect(ping.statusCode, ping.body).toBe(202)
    await w.drain()
    const [, , pinged] = await receiver.waitFor((r) => r.length === 3)
    expect(pinged).toMatchObject({ event: 'ping', delivery: ping.json().id, verified: true })

    const rotated = await send(t, 'PATCH', `${hooksPath}/${hook.id}`, { rotateSecret: true })
    expect(rotated.statusCode, rotated.body).toBe(200)
    const fresh = rotated.json().secret as string
    expect(fresh).not.toBe(hook.secret)
    expect(rotated.json().previousSecretValidUntil).toEqual(expect.any(String))
    await createModel(t)
    await w.drain()
    const [, , , signedTwice] = await receiver.waitFor((r) => r.length === 4)
    expect(signedTwice?.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/)
    const check = (secret: string) =>
      verifySignature(secret, signedTwice?.signature ?? '', signedTwice?.body ?? '', {
        nowSeconds: nowMs / 1000,
        toleranceSeconds: 300,
      })
    expect([check(hook.secret), check(fresh), check('whsec_wrong')]).toEqual([true, true, false])
  })

  it('a worker that may not reach private addresses refuses the loopback receiver at send time', async () => {
    const { receiver, hook } = await subscribe({ events: ['model.created'], model: undefined })
    await createModel(t)
    await worker({ allowPrivate: false }).drain()
    const [d] = await deliveriesOf(hook.id)
    expect(d).toMatchObject({ status: 'pending', attempt: 1, responseStatus: null })
    expect(d.attempts[0].error).toMatch(/refused: .*127\.0\.0\.1 is a loopback address/)
    expect(receiver.received).toHaveLength(0)
  })

  it('a webhook narrowed to one model hears that model only, its deletion included', async () => {
    const a = await createModel(t)
    const b = await createModel(t)
    const { receiver, hook } = await subscribe({ model: a.name })
    expect(hook.model).toBe(`default/${a.name}`)
    const w = worker()
    await createVersion(t, b.name, '2.0.0')
    await createVersion(t, a.name, '2.0.0')
    expect((await send(t, 'DELETE', `/api/v1/models/default/${a.name}`)).statusCode).toBe(204)
    await w.drain()
    const got = await receiver.waitFor((r) => r.length === 2)
    expect(got.map((r) => r.event)).toEqual(['version.created', 'model.deleted'])
    expect(got.every((r) => r.json.model === `default/${a.name}` && r.verified)).toBe(true)
  })
})
