import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
} from './route-kit.js'

const aliasesPath = (name: string, org = 'default') => `${modelPath(name, org)}/aliases`
const aliasPath = (name: string, alias: string) => `${aliasesPath(name)}/${encodeURIComponent(alias)}`

/** Aliases of a model as { name: version }. */
async function aliasMap(t: TestApp, name: string): Promise<Record<string, string>> {
  const { items } = await getJson(t, aliasesPath(name))
  return Object.fromEntries(items.map((a: { name: string; version: string }) => [a.name, a.version]))
}

const aliasEvents = async (t: TestApp, name: string) =>
  (await eventsOf(t, name)).filter((e) => e.type === 'alias.moved').reverse()

describe.each(dialects)('alias routes on %s', (dialect) => {
  let t: TestApp
  const bearer = new Map<string, { authorization: string }>()
  beforeAll(async () => {
    t = await openTestApp(dialect)
    for (const [username, role] of [
      ['alice', 'admin'],
      ['bob', 'member'],
      ['vera', 'viewer'],
    ] as const) {
      bearer.set(username, { authorization: `Bearer ${await userToken(t, username, { role })}` })
    }
  })
  afterAll(async () => {
    await t.close()
  })

  const as = (who: string, method: 'GET' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    t.app.inject({ method, url, headers: bearer.get(who), ...(payload && { payload }) })

  it('sets, moves and removes an alias, recording each change with who, when, from and to', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    const set = await send(t, 'PUT', aliasPath(name, 'champion'), { version: '1.0.0' })
    expect(set.statusCode, set.body).toBe(201)
    expect(set.json()).toMatchObject({ name: 'champion', model: `default/${name}`, version: '1.0.0', protected: false })
    expect(set.headers['x-modelreg-version']).toBe('1.0.0')
    const moved = await send(t, 'PUT', aliasPath(name, 'champion'), { version: 'latest' })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({ version: '1.1.0', createdBy: 'admin', updatedBy: 'admin' })
    // The same target again changes nothing and records nothing.
    expect((await send(t, 'PUT', aliasPath(name, 'champion'), { version: '1.1.0' })).statusCode).toBe(200)
    expect(await aliasMap(t, name)).toEqual({ champion: '1.1.0' })
    expect((await send(t, 'GET', versionPath(name, 'champion'))).json().version).toBe('1.1.0')
    expect((await send(t, 'DELETE', aliasPath(name, 'champion'))).statusCode).toBe(204)
    expect(await aliasMap(t, name)).toEqual({})
    expectError(await send(t, 'GET', versionPath(name, 'champion')), 404, 'NOT_FOUND')
    expectError(await send(t, 'DELETE', aliasPath(name, 'champion')), 404, 'NOT_FOUND')
    const events = await aliasEvents(t, name)
    expect(events.map((e) => [e.data.from, e.data.to, e.actor])).toEqual([
      [null, '1.0.0', 'admin'],
      ['1.0.0', '1.1.0', 'admin'],
      ['1.1.0', null, 'admin'],
    ])
    for (const e of events) expect(e.at).toEqual(expect.any(String))
    const audit = await getJson(t, `/api/v1/audit?model=${encodeURIComponent(`default/${name}`)}`)
    expect(audit.items.filter((e: { type: string }) => e.type === 'alias.moved')).toHaveLength(3)
  })

  it.each([
    'latest',
    'production',
    'staging',
    'development',
    'archived',
    'x',
    'v1',
    'Champion',
    '1champion',
    'champ_ion',
    `a${'b'.repeat(63)}`,
    '1.0.0',
  ])('refuses the alias name %j with 400 VALIDATION_FAILED and sets nothing', async (bad) => {
    const { name } = await createModel(t)
    const res = await send(t, 'PUT', aliasPath(name, bad), { version: '1.0.0' })
    expect(expectError(res, 400, 'VALIDATION_FAILED').details).toMatchObject({ field: 'alias' })
    expect(await aliasMap(t, name)).toEqual({})
    expect(await aliasEvents(t, name)).toEqual([])
  })

  it.each([
    [{ version: '9.9.9' }, 404, 'NOT_FOUND'],
    [{ version: '^^1' }, 400, 'VALIDATION_FAILED'],
    [{ version: '' }, 400, 'VALIDATION_FAILED'],
    [{ version: 'x'.repeat(300) }, 400, 'VALIDATION_FAILED'],
    [{ version: '1.0.0', extra: true }, 400, 'VALIDATION_FAILED'],
    [{}, 400, 'VALIDATION_FAILED'],
  ])('refuses body %j with %i %s and changes nothing', async (body, status, code) => {
    const { name } = await createModel(t)
    await send(t, 'PUT', aliasPath(name, 'stable'), { version: '1.0.0' })
    expectError(await send(t, 'PUT', aliasPath(name, 'stable'), body), status, code)
    expect(await aliasMap(t, name)).toEqual({ stable: '1.0.0' })
    expect(await aliasEvents(t, name)).toHaveLength(1)
  })

  it('refuses to delete a version an alias points to with 409 ALIAS_IN_USE until the alias moves', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    await send(t, 'PUT', aliasPath(name, 'champion'), { version: '1.1.0' })
    await send(t, 'PUT', aliasPath(name, 'canary'), { version: '1.1.0' })
    const err = expectError(await send(t, 'DELETE', versionPath(name, '1.1.0')), 409, 'ALIAS_IN_USE')
    expect(err.details).toEqual({ version: '1.1.0', aliases: ['canary', 'champion'] })
    expect((await send(t, 'GET', versionPath(name, '1.1.0'))).statusCode).toBe(200)
    await send(t, 'PUT', aliasPath(name, 'champion'), { version: '1.0.0' })
    await send(t, 'DELETE', aliasPath(name, 'canary'))
    expect((await send(t, 'DELETE', versionPath(name, '1.1.0'))).statusCode).toBe(204)
    expect(await aliasMap(t, name)).toEqual({ champion: '1.0.0' })
  })

  it('goes with its model: deleting a model with aliases deletes them too', async () => {
    const { name } = await createModel(t)
    await send(t, 'PUT', aliasPath(name, 'champion'), { version: '1.0.0' })
    expect((await send(t, 'DELETE', modelPath(name))).statusCode).toBe(204)
    expectError(await send(t, 'GET', aliasesPath(name)), 404, 'NOT_FOUND')
  })

  it('lets only organisation admins protect, move or remove a protected alias', async () => {
    const model = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      headers: bearer.get('bob'),
      payload: { name: `prot-${Date.now()}`, framework: 'onnx', publicAccess: true },
    })
    expect(model.statusCode, model.body).toBe(201)
    const name = model.json().name
    await createVersion(t, name, '1.1.0')
    // bob owns the model: he may set plain aliases, not protected ones.
    expect((await as('bob', 'PUT', aliasPath(name, 'stable'), { version: '1.0.0' })).statusCode).toBe(201)
    expectError(
      await as('bob', 'PUT', aliasPath(name, 'champion'), { version: '1.0.0', protected: true }),
      403,
      'FORBIDDEN',
    )
    expect(
      (await as('alice', 'PUT', aliasPath(name, 'champion'), { version: '1.0.0', protected: true })).statusCode,
    ).toBe(201)
    expectError(await as('bob', 'PUT', aliasPath(name, 'champion'), { version: '1.1.0' }), 403, 'FORBIDDEN')
    expectError(
      await as('bob', 'PUT', aliasPath(name, 'champion'), { version: '1.0.0', protected: false }),
      403,
      'FORBIDDEN',
    )
    expectError(await as('bob', 'DELETE', aliasPath(name, 'champion')), 403, 'FORBIDDEN')
    expectError(await as('vera', 'PUT', aliasPath(name, 'stable'), { version: '1.1.0' }), 403, 'FORBIDDEN')
    expect((await as('vera', 'GET', aliasesPath(name))).statusCode).toBe(200)
    expect(await aliasMap(t, name)).toEqual({ champion: '1.0.0', stable: '1.0.0' })
    const moved = await as('alice', 'PUT', aliasPath(name, 'champion'), { version: '1.1.0' })
    expect(moved.json()).toMatchObject({ version: '1.1.0', protected: true, updatedBy: 'alice' })
    expect((await as('alice', 'DELETE', aliasPath(name, 'champion'))).statusCode).toBe(204)
    expect((await aliasEvents(t, name)).map((e) => [e.actor, e.data.alias, e.data.from, e.data.to])).toEqual([
      ['bob', 'stable', null, '1.0.0'],
      ['alice', 'champion', null, '1.0.0'],
      ['alice', 'champion', '1.0.0', '1.1.0'],
      ['alice', 'champion', '1.1.0', null],
    ])
  })

  it('hides the aliases of a model the caller may not see (404)', async () => {
    const { name } = await createModel(t, { publicAccess: false })
    await send(t, 'PUT', aliasPath(name, 'champion'), { version: '1.0.0' })
    expectError(await as('bob', 'GET', aliasesPath(name)), 404, 'NOT_FOUND')
    expectError(await as('bob', 'PUT', aliasPath(name, 'champion'), { version: '1.0.0' }), 404, 'NOT_FOUND')
    expectError(await as('bob', 'DELETE', aliasPath(name, 'champion')), 404, 'NOT_FOUND')
    expectError(await as('bob', 'GET', versionPath(name, 'champion')), 404, 'NOT_FOUND')
  })

  it('keeps one winner and a complete history when many moves of one alias race', async () => {
    const { name } = await createModel(t)
    const targets = ['1.1.0', '1.2.0', '1.3.0', '1.4.0', '1.5.0', '1.6.0', '1.7.0', '1.8.0']
    for (const v of targets) await createVersion(t, name, v)
    const results = await Promise.all(
      targets.map((version) => send(t, 'PUT', aliasPath(name, 'champion'), { version })),
    )
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201])
    const final = (await aliasMap(t, name)).champion
    const events = await aliasEvents(t, name)
    // Each event starts where the one before it ended, the first from nothing; the last ends at the winner.
    expect(events).toHaveLength(targets.length)
    expect(events[0]?.data.from).toBeNull()
    for (let i = 1; i < events.length; i++) expect(events[i]?.data.from).toBe(events[i - 1]?.data.to)
    expect(events.at(-1)?.data.to).toBe(final)
    expect(new Set(events.map((e) => e.data.to))).toEqual(new Set(targets))
  })
})
