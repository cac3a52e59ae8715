import type { RegistryEvent } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp, testClock } from '../helpers/registry.js'
import {
  allPages,
  createModel,
  createVersion,
  eventsOf,
  expectError,
  forgeCursor,
  getJson,
  modelPath,
  send,
  startDeployment,
  stopDeployment,
  type TestApp,
  versionPath,
} from './route-kit.js'

describe.each(dialects)('events routes on %s', (dialect) => {
  let t: TestApp
  let name: string
  let events: RegistryEvent[]
  const clock = testClock('2026-03-01T00:00:00.000Z')

  /** One change of every kind, in this order; each reads the clock once or twice. */
  beforeAll(async () => {
    t = await openTestApp(dialect, { clock })
    name = (await createModel(t)).name
    await send(t, 'PATCH', modelPath(name), { publicAccess: false })
    await createVersion(t, name, '1.1.0')
    await send(t, 'PATCH', versionPath(name, '1.1.0'), { description: 'retrained', author: 'Vision Team' })
    await send(t, 'POST', `${versionPath(name, '1.1.0')}/stage`, { stage: 'staging', comment: 'QA' })
    const d = await startDeployment(t, name, '1.1.0')
    await stopDeployment(t, d.id)
    await send(t, 'DELETE', versionPath(name, '1.0.0'))
    events = await eventsOf(t, name)
  })
  afterAll(async () => {
    await t.close()
  })

  it('appends an event for every change, newest first', async () => {
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['version.deleted', '1.0.0'],
      ['deployment.stopped', '1.1.0'],
      ['version.updated', '1.1.0'],
      ['deployment.started', '1.1.0'],
      ['version.updated', '1.1.0'],
      ['stage.changed', '1.1.0'],
      ['version.updated', '1.1.0'],
      ['version.created', '1.1.0'],
      ['model.updated', null],
      ['version.created', '1.0.0'],
      ['model.created', null],
    ])
  })

  it('stamps each event with the actor "admin", the model and an ISO timestamp, never going forward in time', () => {
    for (const e of events) {
      expect(e).toMatchObject({ actor: 'admin', model: `default/${name}`, id: expect.any(Number) })
      expect(new Date(e.at).toISOString()).toBe(e.at)
    }
    const times = events.map((e) => e.at)
    expect(times).toEqual([...times].sort().reverse())
    // Stamped by the registry's clock (the test's, one tick a read), not the wall clock: the oldest is its first
    // few ticks (start-up may read it too).
    const oldest = Date.parse(times.at(-1) ?? '')
    expect(oldest - Date.parse('2026-03-01T00:00:00.000Z')).toBeGreaterThanOrEqual(0)
    expect(oldest - Date.parse('2026-03-01T00:00:00.000Z')).toBeLessThan(10_000)
    const idList = events.map((e) => e.id)
    expect(idList).toEqual([...idList].sort((a, b) => b - a))
  })

  it('records before and after of each changed field', () => {
    const edit = events.find((e) => e.type === 'version.updated' && 'description' in (e.data.changes as object))
    expect(edit?.data.changes).toEqual({
      description: { before: '', after: 'retrained' },
      author: { before: '', after: 'Vision Team' },
    })
    expect(events.find((e) => e.type === 'model.updated')?.data.changes).toEqual({
      publicAccess: { before: true, after: false },
    })
    const statuses = events
      .filter((e) => e.type === 'version.updated' && 'status' in (e.data.changes as object))
      .map((e) => e.data.changes)
    expect(statuses).toEqual([
      { status: { before: 'deployed', after: 'completed' } },
      { status: { before: 'draft', after: 'deployed' } },
    ])
  })

  it('records the stage change and the deployment in the event data', () => {
    expect(events.find((e) => e.type === 'stage.changed')?.data).toEqual({
      from: 'development',
      to: 'staging',
      comment: 'QA',
    })
    expect(events.find((e) => e.type === 'deployment.started')?.data).toMatchObject({ environment: 'production' })
  })

  it('pages with cursors, every event exactly once', async () => {
    const first = await getJson(t, `${modelPath(name)}/events?limit=3`)
    expect(first.items).toHaveLength(3)
    expect(await allPages(t, `${modelPath(name)}/events?limit=3`)).toEqual(events)
    expect(await allPages(t, `${modelPath(name)}/events`)).toEqual(events)
  })

  it('filters by type', async () => {
    const page = await getJson(t, `${modelPath(name)}/events?type=version.updated`)
    expect(page.items).toEqual(events.filter((e) => e.type === 'version.updated'))
  })

  it('refuses a bad type, limit or cursor with 400, and answers 404 for an unknown model', async () => {
    expectError(await send(t, 'GET', `${modelPath(name)}/events?type=model.exploded`), 400, 'VALIDATION_FAILED')
    expectError(await send(t, 'GET', `${modelPath(name)}/events?limit=0`), 400, 'VALIDATION_FAILED')
    expectError(
      await send(t, 'GET', `${modelPath(name)}/events?cursor=${forgeCursor(['x'])}`),
      400,
      'VALIDATION_FAILED',
    )
    expectError(await send(t, 'GET', `${modelPath('no-such-model')}/events`), 404, 'NOT_FOUND')
  })

  it('keeps events of other models apart', async () => {
    const other = await createModel(t)
    expect((await eventsOf(t, other.name)).map((e) => e.type)).toEqual(['version.created', 'model.created'])
  })
})
