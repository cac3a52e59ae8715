import type { StageTransition, Version } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp, testClock } from '../helpers/registry.js'
import {
  createModel,
  createVersion,
  eventsOf,
  expectError,
  failingFields,
  getJson,
  send,
  type TestApp,
  versionPath,
  versionsPath,
} from './route-kit.js'

const stageUrl = (name: string, version: string) => `${versionPath(name, version)}/stage`
const historyOf = async (t: TestApp, name: string, version: string): Promise<StageTransition[]> =>
  (await getJson(t, `${versionPath(name, version)}/stages`)).items
const numbers = (items: Version[]) => items.map((v) => v.version)

describe.each(dialects)('lifecycle routes on %s', (dialect) => {
  let t: TestApp
  const clock = testClock('2026-01-01T00:00:00.000Z')
  beforeAll(async () => {
    t = await openTestApp(dialect, { clock })
  })
  afterAll(async () => {
    await t.close()
  })

  it('records who, when, from, to and the comment of a stage change', async () => {
    clock.set('2026-01-10T09:00:00.000Z')
    const { name } = await createModel(t)
    clock.set('2026-01-11T10:30:00.000Z')
    const res = await send(t, 'POST', stageUrl(name, '1.0.0'), { stage: 'staging', comment: 'ready for QA' })
    expect(res.statusCode, res.body).toBe(200)
    const transition = {
      version: '1.0.0',
      from: 'development',
      to: 'staging',
      actor: 'admin',
      comment: 'ready for QA',
      at: '2026-01-11T10:30:00.000Z',
    }
    expect(res.json()).toMatchObject({ version: { version: '1.0.0', stage: 'staging' }, transition, archived: [] })
    expect(await historyOf(t, name, '1.0.0')).toEqual([
      {
        id: expect.any(Number),
        version: '1.0.0',
        from: null,
        to: 'development',
        actor: 'admin',
        comment: '',
        at: '2026-01-10T09:00:00.000Z',
      },
      { id: expect.any(Number), ...transition },
    ])
    expect((await getJson(t, versionPath(name, '1.0.0'))).stage).toBe('staging')
    const [latest] = await eventsOf(t, name)
    expect(latest).toMatchObject({
      type: 'stage.changed',
      version: '1.0.0',
      actor: 'admin',
      at: '2026-01-11T10:30:00.000Z',
      data: { from: 'development', to: 'staging', comment: 'ready for QA' },
    })
  })

  it('archives the previous Production holder in the same call when archivePrevious is set', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    expect((await send(t, 'POST', stageUrl(name, '1.0.0'), { stage: 'production' })).statusCode).toBe(200)
    const res = await send(t, 'POST', stageUrl(name, '1.1.0'), {
      stage: 'production',
      comment: 'better accuracy',
      archivePrevious: true,
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ version: { stage: 'production' }, archived: ['1.0.0'] })
    expect((await getJson(t, versionPath(name, '1.0.0'))).stage).toBe('archived')
    expect(numbers((await getJson(t, `${versionsPath(name)}?stage=production`)).items)).toEqual(['1.1.0'])
    const last = (await historyOf(t, name, '1.0.0')).at(-1)
    expect(last).toMatchObject({ from: 'production', to: 'archived', actor: 'admin' })
    expect(last?.comment).toContain('1.1.0')
  })

  it('keeps the previous Production holder when archivePrevious is not set', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    await send(t, 'POST', stageUrl(name, '1.0.0'), { stage: 'production' })
    const res = await send(t, 'POST', stageUrl(name, '1.1.0'), { stage: 'production' })
    expect(res.json().archived).toEqual([])
    expect(numbers((await getJson(t, `${versionsPath(name)}?stage=production`)).items)).toEqual(['1.1.0', '1.0.0'])
  })

  it('refuses archivePrevious for a stage other than production with 400', async () => {
    const { name } = await createModel(t)
    const res = await send(t, 'POST', stageUrl(name, '1.0.0'), { stage: 'staging', archivePrevious: true })
    expect(failingFields(expectError(res, 400, 'VALIDATION_FAILED'))).toContain('archivePrevious')
    expect((await getJson(t, versionPath(name, '1.0.0'))).stage).toBe('development')
  })

  it('refuses a move to the stage the version is already in with 409, recording nothing', async () => {
    const { name } = await createModel(t)
    expectError(await send(t, 'POST', stageUrl(name, '1.0.0'), { stage: 'development' }), 409, 'CONFLICT')
    expect(await historyOf(t, name, '1.0.0')).toHaveLength(1)
  })

  it.each(['prod', 'Production', ''])('refuses stage %j with 400 VALIDATION_FAILED', async (stage) => {
    const { name } = await createModel(t)
    const err = expectError(await send(t, 'POST', stageUrl(name, '1.0.0'), { stage }), 400, 'VALIDATION_FAILED')
    expect(failingFields(err)).toContain('stage')
    expect(await historyOf(t, name, '1.0.0')).toHaveLength(1)
  })

  it('answers 404 for the stage of an unknown version', async () => {
    const { name } = await createModel(t)
    expectError(await send(t, 'POST', stageUrl(name, '7.0.0'), { stage: 'staging' }), 404, 'NOT_FOUND')
    expectError(await send(t, 'GET', `${versionPath(name, '7.0.0')}/stages`), 404, 'NOT_FOUND')
  })

  describe('which version held a stage at time T', () => {
    let name: string
    const at = (stage: string, time: string) =>
      getJson(t, `${versionsPath(name)}?stage=${stage}&at=${encodeURIComponent(time)}`).then((p) => numbers(p.items))

    beforeAll(async () => {
      clock.set('2026-02-01T00:00:00.000Z')
      name = (await createModel(t)).name
      clock.set('2026-02-02T00:00:00.000Z')
      await createVersion(t, name, '1.1.0')
      clock.set('2026-02-03T00:00:00.000Z')
      await send(t, 'POST', stageUrl(name, '1.0.0'), { stage: 'production' })
      clock.set('2026-02-05T00:00:00.000Z')
      await send(t, 'POST', stageUrl(name, '1.1.0'), { stage: 'production', archivePrevious: true })
      clock.set('2026-02-07T00:00:00.000Z')
      await send(t, 'POST', stageUrl(name, '1.1.0'), { stage: 'staging', comment: 'rollback' })
    })

    it.each([
      ['2026-02-02T12:00:00.000Z', []],
      ['2026-02-03T00:00:00.000Z', ['1.0.0']],
      ['2026-02-04T00:00:00.000Z', ['1.0.0']],
      ['2026-02-05T00:00:01.000Z', ['1.1.0']],
      ['2026-02-06T00:00:00+02:00', ['1.1.0']],
      ['2026-02-08T00:00:00.000Z', []],
    ])('answers ?stage=production&at=%s', async (time, expected) => {
      expect(await at('production', time)).toEqual(expected)
    })

    it('answers the same question for the other stages', async () => {
      expect(await at('development', '2026-02-02T12:00:00.000Z')).toEqual(['1.1.0', '1.0.0'])
      expect(await at('archived', '2026-02-06T00:00:00.000Z')).toEqual(['1.0.0'])
      expect(await at('staging', '2026-02-08T00:00:00.000Z')).toEqual(['1.1.0'])
      expect(await at('production', '2026-01-01T00:00:00.000Z')).toEqual([])
    })

    it('refuses at without stage with 400 VALIDATION_FAILED', async () => {
      const res = await send(t, 'GET', `${versionsPath(name)}?at=2026-02-04T00:00:00.000Z`)
      const err = expectError(res, 400, 'VALIDATION_FAILED')
      expect(failingFields(err)).toContain('at')
      expect(err.message).toContain('stage')
    })

    it.each(['yesterday', '2026-02-30T00:00:00Z', '2026-02-04'])('refuses at=%s with 400', async (time) => {
      const res = await send(t, 'GET', `${versionsPath(name)}?stage=production&at=${encodeURIComponent(time)}`)
      expectError(res, 400, 'VALIDATION_FAILED')
    })
  })
})
