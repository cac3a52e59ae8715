import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel,
  expectError,
  getJson,
  modelPath,
  type Reply,
  send,
  type TestApp,
  versionsPath,
} from './route-kit.js'

const RACERS = 10

/** Exactly one 201; every other answer is 409 ALREADY_EXISTS. */
function expectOneWinner(replies: Reply[]) {
  expect(replies.map((r) => r.statusCode).sort()).toEqual([201, ...Array(RACERS - 1).fill(409)])
  for (const r of replies.filter((r) => r.statusCode !== 201)) expectError(r, 409, 'ALREADY_EXISTS')
}

describe.each(dialects)('concurrent writes on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await openTestApp(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('10 parallel POSTs of the same model: exactly one 201, the rest 409 ALREADY_EXISTS', async () => {
    const name = uniqueName('race')
    const body = exampleModel({ name })
    const replies = await Promise.all(Array.from({ length: RACERS }, () => send(t, 'POST', '/api/v1/models', body)))
    expectOneWinner(replies)
    const models = await getJson(t, `/api/v1/models?limit=500&q=${name}`)
    expect(models.items).toHaveLength(1)
    expect(models.items[0]).toMatchObject({ name, versionCount: 1 })
  })

  it('10 parallel POSTs of one name in different letter cases: exactly one wins', async () => {
    const name = uniqueName('CaseRace')
    const variants = Array.from({ length: RACERS }, (_, i) => (i % 2 ? name.toUpperCase() : name.toLowerCase()))
    const replies = await Promise.all(variants.map((n) => send(t, 'POST', '/api/v1/models', exampleModel({ name: n }))))
    expectOneWinner(replies)
    expect((await getJson(t, `/api/v1/models?limit=500&q=${name}`)).items).toHaveLength(1)
  })

  it('10 parallel POSTs of the same version of one model: exactly one 201, the rest 409 ALREADY_EXISTS', async () => {
    const { name } = await createModel(t)
    const replies = await Promise.all(
      Array.from({ length: RACERS }, () => send(t, 'POST', versionsPath(name), { version: '1.1.0' })),
    )
    expectOneWinner(replies)
    const versions = await getJson(t, versionsPath(name))
    expect(versions.items.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0'])
    expect((await getJson(t, modelPath(name))).versionCount).toBe(2)
  })

  it('10 parallel deployments of one version to one environment: exactly one becomes active', async () => {
    const { name } = await createModel(t)
    const body = { model: `default/${name}`, version: '1.0.0', environment: 'production' }
    const replies = await Promise.all(
      Array.from({ length: RACERS }, () => send(t, 'POST', '/api/v1/deployments', body)),
    )
    expectOneWinner(replies)
    expect((await getJson(t, `/api/v1/deployments?model=default/${name}&status=active`)).items).toHaveLength(1)
  })

  it('parallel different versions of one model all succeed and are all counted', async () => {
    const { name } = await createModel(t)
    const numbers = Array.from({ length: RACERS }, (_, i) => `2.${i}.0`)
    const replies = await Promise.all(numbers.map((version) => send(t, 'POST', versionsPath(name), { version })))
    expect(replies.map((r) => r.statusCode)).toEqual(Array(RACERS).fill(201))
    expect(await getJson(t, modelPath(name))).toMatchObject({
      versionCount: RACERS + 1,
      latestVersion: { version: '2.9.0' },
    })
  })
})
