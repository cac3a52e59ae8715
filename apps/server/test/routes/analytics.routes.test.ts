import type { AnalyticsSummary, CreateModelBody } from '@modelreg/contract'
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfillModelSummary } from '../../src/db/migrations/0014-model-summary.js'
import { dialects, openTestApp, testClock } from '../helpers/registry.js'
import { expectError, failingFields, getJson, inspectAll, type Reply, send, type TestApp } from './route-kit.js'

const SUMMARY = '/api/v1/analytics/summary'
const DOWNLOADS = '/api/v1/analytics/downloads'
const model = (org: string, name: string) => `/api/v1/models/${org}/${encodeURIComponent(name)}`

/** The counts of a summary list as { key: count }, to compare whole lists at once. */
const counts = (list: { key: string; count: number }[]) => Object.fromEntries(list.map((c) => [c.key, c.count]))

describe.each(dialects)('analytics routes on %s', (dialect) => {
  let t: TestApp
  const clock = testClock('2026-03-04T08:00:00.000Z')
  const bearer = new Map<string, { authorization: string }>()
  let orgs = 0

  /** A fresh organisation, so that each test counts only its own models. */
  async function org(): Promise<string> {
    const name = `stats-${++orgs}`
    expect((await send(t, 'POST', '/api/v1/orgs', { name })).statusCode).toBe(201)
    return name
  }

  async function join(username: string, orgName: string, role: 'viewer' | 'member') {
    expect((await as(undefined, 'PUT', `/api/v1/orgs/${orgName}/members/${username}`, { role })).statusCode).toBe(204)
  }

  /** As a user (default: the site admin). */
  async function as(who: string | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
    return (await t.app.inject({
      method,
      url,
      headers: {
        ...(who === undefined ? {} : bearer.get(who)),
        ...(Buffer.isBuffer(payload) && { 'content-type': 'application/octet-stream' }),
      },
      ...(payload !== undefined && { payload: payload as object }),
    })) as Reply
  }

  async function createModel(orgName: string, body: Partial<CreateModelBody> & { name: string }, who?: string) {
    const res = await as(who, 'POST', '/api/v1/models', { framework: 'pytorch', ...body, org: orgName })
    expect(res.statusCode, res.body).toBe(201)
    return model(orgName, body.name)
  }

  async function post(url: string, payload: unknown, status = 201, who?: string) {
    const res = await as(who, 'POST', url, payload)
    expect(res.statusCode, res.body).toBe(status)
  }

  async function upload(url: string, bytes: string) {
    const res = await as(undefined, 'PUT', url, Buffer.from(bytes))
    expect(res.statusCode, res.body).toBe(201)
  }

  async function download(url: string, at: string) {
    clock.set(at)
    expect((await send(t, 'GET', url)).statusCode).toBe(200)
  }

  beforeAll(async () => {
    t = await openTestApp(dialect, { clock })
    for (const username of ['alice', 'bob', 'vera', 'otto']) {
      expect((await send(t, 'POST', '/api/v1/users', { username, password: `${username}-password` })).statusCode).toBe(
        201,
      )
      const user = await t.store.pool.users.findByUsername(username)
      const token = await t.services.auth.createToken(
        { ...t.admin, userId: user?.id ?? '', username, siteAdmin: false },
        { name: 'analytics', scope: 'write' },
      )
      bearer.set(username, { authorization: `Bearer ${token.token}` })
    }
  })
  afterAll(async () => {
    await t.close()
  })

  describe('summary', () => {
    it('counts models by latest status and stage, framework, task and model type, with every option present', async () => {
      const o = await org()
      // Latest = highest release: 1.1.0 (training) here, 1.0.0 for "c" whose 2.0.0-rc.1 is a prerelease.
      const a = await createModel(o, { name: 'a', taskType: 'classification', status: 'draft' })
      await post(`${a}/versions`, { version: '1.1.0', status: 'training' })
      const b = await createModel(o, {
        name: 'b',
        framework: 'tensorflow',
        taskType: 'regression',
        status: 'completed',
      })
      await post(`${b}/versions/1.0.0/stage`, { stage: 'staging' }, 200)
      const c = await createModel(o, { name: 'c', framework: 'onnx', taskType: 'detection', modelType: 'yolo' })
      await post(`${c}/versions`, { version: '2.0.0-rc.1', status: 'completed' })
      const d = await createModel(o, {
        name: 'd',
        framework: 'others',
        frameworkOther: 'XGBoost',
        taskType: 'regression',
        status: 'completed',
      })
      await post('/api/v1/deployments', { model: `${o}/d`, version: '1.0.0', environment: 'prod' })
      await post(`${d}/versions/1.0.0/stage`, { stage: 'production' }, 200)
      await upload(`${a}/versions/1.0.0/artifacts/weights.bin`, '0123456789')
      await upload(`${c}/versions/1.0.0/artifacts/model.onnx`, 'abcde')
      await download(`${c}/versions/1.0.0/artifacts/model.onnx`, '2026-03-04T09:00:00.000Z')

      const summary: AnalyticsSummary = await getJson(t, `${SUMMARY}?org=${o}`)
      expect(summary.totals).toEqual({ models: 4, versions: 6, artifacts: 2, artifactBytes: 15, downloads: 1 })
      expect(summary.byStatus).toEqual([
        { key: 'draft', count: 1 },
        { key: 'training', count: 1 },
        { key: 'completed', count: 1 },
        { key: 'deployed', count: 1 },
        { key: 'archived', count: 0 },
      ])
      expect(counts(summary.byStage)).toEqual({ development: 2, staging: 1, production: 1, archived: 0 })
      expect(counts(summary.byFramework)).toEqual({
        pytorch: 1,
        tensorflow: 1,
        onnx: 1,
        'scikit-learn': 0,
        others: 1,
      })
      expect(counts(summary.byTaskType)).toEqual({
        classification: 1,
        regression: 2,
        detection: 1,
        segmentation: 0,
        others: 0,
      })
      expect(counts(summary.byModelType)).toEqual({ custom: 3, resnet: 0, bert: 0, yolo: 1, others: 0 })
    })

    it("counts a model by the most advanced stage any version holds, not its latest version's", async () => {
      const o = await org()
      const a = await createModel(o, { name: 'served', status: 'completed' })
      await post(`${a}/versions`, { version: '1.1.0', status: 'completed' })
      await post(`${a}/versions/1.1.0/stage`, { stage: 'production' }, 200)
      await post(`${a}/versions`, { version: '1.2.0' })
      const summary: AnalyticsSummary = await getJson(t, `${SUMMARY}?org=${o}`)
      expect(counts(summary.byStage)).toEqual({ development: 0, staging: 0, production: 1, archived: 0 })
    })

    it('counts a model whose versions were all deleted in the totals but in no status or stage', async () => {
      const o = await org()
      const e = await createModel(o, { name: 'empty' })
      expect((await send(t, 'DELETE', `${e}/versions/1.0.0`)).statusCode).toBe(204)
      const summary: AnalyticsSummary = await getJson(t, `${SUMMARY}?org=${o}`)
      expect(summary.totals).toMatchObject({ models: 1, versions: 0 })
      expect(summary.byStatus.every((s) => s.count === 0)).toBe(true)
      expect(summary.byStage.every((s) => s.count === 0)).toBe(true)
      expect(counts(summary.byFramework).pytorch).toBe(1)
    })

    it('keeps the totals on the model rows equal to a recount through replaces, deletes, downloads and deployments', async () => {
      const o = await org()
      const a = await createModel(o, { name: 'kept' })
      await post(`${a}/versions`, { version: '1.1.0' })
      await upload(`${a}/versions/1.0.0/artifacts/w.bin`, '0123456789')
      await upload(`${a}/versions/1.0.0/artifacts/w.bin`, '0123') // replaced: 4 bytes, still one artifact
      await upload(`${a}/versions/1.1.0/artifacts/x.bin`, 'abcdef')
      await upload(`${a}/versions/1.1.0/artifacts/y.bin`, 'yy')
      await download(`${a}/versions/1.1.0/artifacts/x.bin`, '2026-03-04T09:00:00.000Z')
      await download(`${a}/versions/1.0.0/artifacts/w.bin`, '2026-03-04T09:00:00.000Z')
      await download(`${a}/versions/1.0.0/archive?format=tar`, '2026-03-04T09:00:00.000Z')
      expect((await send(t, 'DELETE', `${a}/versions/1.1.0/artifacts/y.bin`)).statusCode).toBe(204)
      expect((await send(t, 'PATCH', `${a}/versions/1.1.0`, { status: 'completed' })).statusCode).toBe(200)
      // A deployment changes the latest version's status outside a version edit (once its files are inspected).
      await inspectAll(t)
      await post('/api/v1/deployments', { model: `${o}/kept`, version: '1.1.0', environment: 'prod' })
      const b = await createModel(o, { name: 'shrunk' })
      await post(`${b}/versions`, { version: '1.1.0' })
      await upload(`${b}/versions/1.1.0/artifacts/z.bin`, 'zzz')
      await download(`${b}/versions/1.1.0/artifacts/z.bin`, '2026-03-04T09:00:00.000Z')
      expect((await send(t, 'DELETE', `${b}/versions/1.1.0`)).statusCode).toBe(204)

      const kept: AnalyticsSummary = await getJson(t, `${SUMMARY}?org=${o}`)
      expect(kept.totals).toEqual({ models: 2, versions: 3, artifacts: 2, artifactBytes: 10, downloads: 3 })
      expect(counts(kept.byStatus)).toMatchObject({ deployed: 1, draft: 1 })
      await backfillModelSummary(t.db.kysely as Kysely<unknown>)
      expect(await getJson(t, `${SUMMARY}?org=${o}`)).toEqual(kept)
    })

    it('answers an unknown organisation with zero counts and every option listed', async () => {
      const summary: AnalyticsSummary = await getJson(t, `${SUMMARY}?org=no-such-org`)
      expect(summary.totals).toEqual({ models: 0, versions: 0, artifacts: 0, artifactBytes: 0, downloads: 0 })
      expect(summary.byStatus.map((s) => s.key)).toEqual(['draft', 'training', 'completed', 'deployed', 'archived'])
      expect(summary.byStage).toHaveLength(4)
    })
  })

  describe('visibility', () => {
    let o: string
    let secret: string
    beforeAll(async () => {
      o = await org()
      await join('alice', o, 'member')
      await join('bob', o, 'member')
      await join('vera', o, 'viewer')
      secret = await createModel(o, { name: 'alice-private', framework: 'onnx' }, 'alice')
      const shared = await createModel(o, { name: 'alice-public', publicAccess: true }, 'alice')
      await createModel(o, { name: 'admin-private', framework: 'tensorflow' })
      await upload(`${secret}/versions/1.0.0/artifacts/secret.bin`, 'secret-bytes')
      await upload(`${shared}/versions/1.0.0/artifacts/open.bin`, 'open')
      await download(`${secret}/versions/1.0.0/artifacts/secret.bin`, '2026-03-04T10:00:00.000Z')
      await download(`${shared}/versions/1.0.0/artifacts/open.bin`, '2026-03-04T10:00:00.000Z')
    })

    it('counts only the models each caller may see', async () => {
      const totals = async (who?: string) => (await as(who, 'GET', `${SUMMARY}?org=${o}`)).json().totals
      expect(await totals()).toMatchObject({ models: 3, artifacts: 2, downloads: 2 })
      expect(await totals('alice')).toMatchObject({ models: 2, artifacts: 2, artifactBytes: 16, downloads: 2 })
      // Another member and a viewer see the public model of their organisation, not alice's private one.
      for (const who of ['bob', 'vera']) {
        expect(await totals(who)).toEqual({ models: 1, versions: 1, artifacts: 1, artifactBytes: 4, downloads: 1 })
      }
      expect(await totals('otto')).toEqual({ models: 0, versions: 0, artifacts: 0, artifactBytes: 0, downloads: 0 })
      const bob: AnalyticsSummary = (await as('bob', 'GET', SUMMARY)).json()
      expect(counts(bob.byFramework)).toMatchObject({ onnx: 0, tensorflow: 0 })
    })

    it('counts a private model for a member it is shared with, and lets them chart it', async () => {
      const o2 = await org()
      await join('alice', o2, 'member')
      await join('bob', o2, 'member')
      const shared = await createModel(o2, { name: 'shared-with-bob', metrics: { loss: 0.5 } }, 'alice')
      expect((await as('bob', 'GET', `${SUMMARY}?org=${o2}`)).json().totals.models).toBe(0)
      const share = await t.app.inject({
        method: 'PUT',
        url: `${shared}/shares/bob`,
        payload: { permission: 'read' },
        headers: bearer.get('alice'),
      })
      expect(share.statusCode, share.body).toBe(204)
      expect((await as('bob', 'GET', `${SUMMARY}?org=${o2}`)).json().totals.models).toBe(1)
      expect((await as('bob', 'GET', `${shared}/metrics`)).json()).toMatchObject({ metric: 'loss', points: [{}] })
    })

    it('leaves invisible models out of the downloads per day', async () => {
      const today = (who?: string) => as(who, 'GET', `${DOWNLOADS}?days=1&org=${o}`)
      expect((await today()).json()).toMatchObject({ total: 2, days: [{ day: '2026-03-04', count: 2 }] })
      expect((await today('bob')).json()).toMatchObject({ total: 1, days: [{ day: '2026-03-04', count: 1 }] })
      expect((await today('otto')).json()).toMatchObject({ total: 0, days: [{ day: '2026-03-04', count: 0 }] })
    })

    it('answers 404 for a model the caller may not see, as for one that does not exist', async () => {
      for (const url of [`${DOWNLOADS}?model=${o}/alice-private`, `${secret}/metrics`]) {
        const hidden = expectError(await as('bob', 'GET', url), 404, 'NOT_FOUND')
        const missing = expectError(await as('bob', 'GET', url.replace('alice-private', 'nobody')), 404, 'NOT_FOUND')
        expect(hidden.message.replace('alice-private', 'nobody')).toBe(missing.message)
        expect((await as('alice', 'GET', url)).statusCode).toBe(200)
      }
    })
  })

  describe('downloads', () => {
    it('has one row per UTC day of the window, zero-filled, and counts archives as downloads', async () => {
      const o = await org()
      const m = await createModel(o, { name: 'dl' })
      const other = await createModel(o, { name: 'dl-other' })
      await upload(`${m}/versions/1.0.0/artifacts/w.bin`, 'w')
      await upload(`${other}/versions/1.0.0/artifacts/x.bin`, 'x')
      const file = `${m}/versions/1.0.0/artifacts/w.bin`
      await download(file, '2026-03-01T00:00:00.000Z')
      await download(file, '2026-03-01T23:59:58.000Z')
      await download(`${m}/versions/1.0.0/archive?format=tar`, '2026-03-03T12:00:00.000Z')
      await download(`${other}/versions/1.0.0/artifacts/x.bin`, '2026-03-03T13:00:00.000Z')
      // Before the window: counted in the summary's total, not in the days.
      await download(file, '2026-02-20T12:00:00.000Z')

      clock.set('2026-03-04T08:00:00.000Z')
      expect(await getJson(t, `${DOWNLOADS}?days=5&model=${o}/dl`)).toEqual({
        from: '2026-02-28',
        to: '2026-03-04',
        days: [
          { day: '2026-02-28', count: 0 },
          { day: '2026-03-01', count: 2 },
          { day: '2026-03-02', count: 0 },
          { day: '2026-03-03', count: 1 },
          { day: '2026-03-04', count: 0 },
        ],
        total: 3,
      })
      const all = await getJson(t, `${DOWNLOADS}?days=5&org=${o}`)
      expect(all.total).toBe(4)
      expect(all.days[3]).toEqual({ day: '2026-03-03', count: 2 })
      expect((await getJson(t, `${SUMMARY}?org=${o}`)).totals.downloads).toBe(5)
    })

    it('defaults to the last 30 days up to today and takes up to 366', async () => {
      clock.set('2026-03-04T23:59:00.000Z')
      const month = await getJson(t, DOWNLOADS)
      expect(month.days).toHaveLength(30)
      expect(month).toMatchObject({ from: '2026-02-03', to: '2026-03-04' })
      const year = await getJson(t, `${DOWNLOADS}?days=366`)
      expect(year.days).toHaveLength(366)
      expect(year.from).toBe('2025-03-04')
      expect(new Set(year.days.map((d: { day: string }) => d.day)).size).toBe(366)
    })
  })

  describe('metric trend', () => {
    it('lists a metric per version in semver order (1.10.0 after 1.9.0), skipping versions without it', async () => {
      const o = await org()
      const m = await createModel(o, { name: 'trend', metrics: { top1_accuracy: 0.7, loss: 1.2 } })
      // Created out of order, so that creation order cannot pass for semver order.
      await post(`${m}/versions`, { version: '1.10.0', metrics: { top1_accuracy: 0.8 } })
      await post(`${m}/versions`, { version: '2.0.0', metrics: { top1_accuracy: 0.85, 'f1.macro': 0.5 } })
      await post(`${m}/versions`, { version: '1.9.0', metrics: { top1_accuracy: 0.75 } })
      await post(`${m}/versions`, { version: '1.2.0', metrics: { loss: 0.9 } })
      await post(`${m}/versions`, { version: '2.0.0-rc.1', metrics: { top1_accuracy: 1 } })

      const trend = await getJson(t, `${m}/metrics?metric=top1_accuracy`)
      expect(trend.metrics).toEqual(['f1.macro', 'loss', 'top1_accuracy'])
      expect(trend.metric).toBe('top1_accuracy')
      expect(trend.points.map((p: { version: string; value: number }) => [p.version, p.value])).toEqual([
        ['1.0.0', 0.7],
        ['1.9.0', 0.75],
        ['1.10.0', 0.8],
        ['2.0.0-rc.1', 1],
        ['2.0.0', 0.85],
      ])
      expect(trend.points[0].createdAt).toMatch(/^\d{4}-\d\d-\d\dT/)

      const last = await getJson(t, `${m}/metrics?metric=top1_accuracy&limit=2`)
      expect(last.points.map((p: { version: string }) => p.version)).toEqual(['2.0.0-rc.1', '2.0.0'])
      // Without a metric: the first name; a dotted name is one key, not a path.
      expect(await getJson(t, `${m}/metrics`)).toMatchObject({
        metric: 'f1.macro',
        points: [{ version: '2.0.0', value: 0.5 }],
      })
      expect(await getJson(t, `${m}/metrics?metric=nothing`)).toMatchObject({ metric: 'nothing', points: [] })
    })

    it('answers a model without metrics with no names and no points', async () => {
      const o = await org()
      const m = await createModel(o, { name: 'bare' })
      expect(await getJson(t, `${m}/metrics`)).toEqual({ metrics: [], metric: null, points: [] })
    })
  })

  describe('bad input', () => {
    // Schema errors name querystring.<field>; the service's own checks name the field.
    const cases: [string, string][] = [
      [`${DOWNLOADS}?days=0`, 'querystring.days'],
      [`${DOWNLOADS}?days=367`, 'querystring.days'],
      [`${DOWNLOADS}?days=abc`, 'querystring.days'],
      [`${DOWNLOADS}?days=1.5`, 'querystring.days'],
      [`${DOWNLOADS}?model=no-slash`, 'model'],
      [`${DOWNLOADS}?model=default/x&org=default`, 'org'],
      [`${DOWNLOADS}?bogus=1`, 'querystring.bogus'],
      [`${SUMMARY}?bogus=1`, 'querystring.bogus'],
      [`${SUMMARY}?org=`, 'querystring.org'],
      [`${model('default', 'any')}/metrics?metric=a%22b`, 'querystring.metric'],
      [`${model('default', 'any')}/metrics?limit=0`, 'querystring.limit'],
      [`${model('default', 'any')}/metrics?bogus=1`, 'querystring.bogus'],
    ]
    it.each(cases)('refuses %s with 400 VALIDATION_FAILED naming %s', async (url, field) => {
      const error = expectError(await send(t, 'GET', url), 400, 'VALIDATION_FAILED')
      expect(failingFields(error)).toContain(field)
    })

    it('answers an unknown model with 404', async () => {
      expectError(await send(t, 'GET', `${DOWNLOADS}?model=default/nobody`), 404, 'NOT_FOUND')
      expectError(await send(t, 'GET', `${model('default', 'nobody')}/metrics`), 404, 'NOT_FOUND')
    })

    it('needs a credential', async () => {
      for (const url of [SUMMARY, DOWNLOADS]) {
        const res = await t.app.inject({ method: 'GET', url, headers: { authorization: '' } })
        expectError(res as Reply, 401, 'UNAUTHENTICATED')
      }
    })
  })
})
