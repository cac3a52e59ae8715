// The version resolver, as every API path uses it: each reference form against a model with pre-releases, gaps and
// a deleted version, on both databases. Ranges are checked twice: against the table, and against semver's own
// maxSatisfying over the versions that exist (an oracle that reads every version).
import { Readable } from 'node:stream'
import semver from 'semver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel,
  createVersion,
  expectError,
  modelPath,
  send,
  type TestApp,
  versionPath,
} from '../routes/route-kit.js'

/** The model: 1.0.0 comes with it; 1.4.0 is created and deleted; no 2.x release, only its pre-releases. */
const created = ['0.9.0', '1.2.0', '1.2.5', '1.3.0-beta.1', '1.4.0', '1.10.0', '2.0.0-rc.1', '2.0.0-rc.2', '3.1.0']
const live = ['1.0.0', ...created.filter((v) => v !== '1.4.0')]

/** reference -> the version it names, or null for 404. */
const table: [string, string | null][] = [
  ['1.2.0', '1.2.0'],
  ['1.4.0', null],
  ['2.0.0-rc.1', '2.0.0-rc.1'],
  ['latest', '3.1.0'],
  ['production', '1.2.5'],
  ['staging', '2.0.0-rc.1'],
  ['development', '3.1.0'],
  ['archived', null],
  ['champion', '1.2.0'],
  ['challenger', '2.0.0-rc.2'],
  ['nobody', null],
  ['^1.2', '1.10.0'],
  ['~1.2', '1.2.5'],
  ['~1.2.3', '1.2.5'],
  ['1.x', '1.10.0'],
  ['1', '1.10.0'],
  ['>=1.0.0 <2.0.0', '1.10.0'],
  ['^2', null],
  ['>=2.0.0-rc.1 <3', '2.0.0-rc.2'],
  ['^2.0.0-rc.1', '2.0.0-rc.2'],
  ['1.3.0-beta.0 - 1.3.0', '1.3.0-beta.1'],
  ['>=1.4.0 <1.10.0', null],
  ['>1.2.5 <1.10.0', null],
  ['*', '3.1.0'],
  ['x', '3.1.0'],
  ['^0.9', '0.9.0'],
  ['<1.0.0', '0.9.0'],
  ['^1 || ^3', '3.1.0'],
  ['^1 || ^2', '1.10.0'],
  ['1.2.0 || 1.4.0', '1.2.0'],
  ['=1.2.5', '1.2.5'],
  ['<=1.2.5', '1.2.5'],
  ['>3.1.0', null],
  ['>=99999999999.0.0', null],
  ['<99999999999.0.0', '3.1.0'],
]

const bad = [
  '^^1',
  'Champion',
  '1.0.0+build',
  'a'.repeat(300),
  Array.from({ length: 20 }, (_, i) => `${i}`).join(' || '),
]

describe.each(dialects)('the version resolver on %s', (dialect) => {
  let t: TestApp
  let name: string
  beforeAll(async () => {
    t = await openTestApp(dialect)
    name = (await createModel(t)).name
    for (const v of created) await createVersion(t, name, v)
    expect((await send(t, 'DELETE', versionPath(name, '1.4.0'))).statusCode).toBe(204)
    for (const [v, stage] of [
      ['1.2.5', 'production'],
      ['0.9.0', 'production'],
      ['2.0.0-rc.1', 'staging'],
    ] as const) {
      expect((await send(t, 'POST', `${versionPath(name, v)}/stage`, { stage })).statusCode).toBe(200)
    }
    for (const [alias, version] of [
      ['champion', '1.2.0'],
      ['challenger', '2.0.0-rc.2'],
    ]) {
      expect((await send(t, 'PUT', `${modelPath(name)}/aliases/${alias}`, { version })).statusCode).toBe(201)
    }
  })
  afterAll(async () => {
    await t.close()
  })

  it.each(table)('%j names %j', async (ref, expected) => {
    const res = await send(t, 'GET', versionPath(name, ref))
    if (expected === null) {
      expect(expectError(res, 404, 'NOT_FOUND').details).toEqual({ version: ref })
      expect(res.headers['x-modelreg-version']).toBeUndefined()
      return
    }
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().version).toBe(expected)
    expect(res.headers['x-modelreg-version']).toBe(expected)
  })

  it('agrees with semver.maxSatisfying over the live versions for every range in the table', async () => {
    for (const [ref, expected] of table) {
      if (semver.validRange(ref) === null || semver.valid(ref) !== null) continue
      expect(semver.maxSatisfying(live, ref), ref).toBe(expected)
    }
  })

  it.each(bad)('refuses %j with 400 VALIDATION_FAILED', async (ref) => {
    expectError(await send(t, 'GET', versionPath(name, ref)), 400, 'VALIDATION_FAILED')
  })

  it('resolves references in artifact downloads, archives and deployments too', async () => {
    await t.services.artifacts.upload(
      t.admin,
      { org: 'default', name, version: '1.2.5', path: 'weights.bin' },
      Readable.from([Buffer.from('weights of 1.2.5')]),
      {},
    )
    const file = await send(t, 'GET', `${versionPath(name, 'production')}/artifacts/weights.bin`)
    expect(file.statusCode).toBe(200)
    expect(file.body).toBe('weights of 1.2.5')
    expect(file.headers['x-modelreg-version']).toBe('1.2.5')
    const list = await send(t, 'GET', `${versionPath(name, '~1.2')}/artifacts`)
    expect(list.headers['x-modelreg-version']).toBe('1.2.5')
    expect(list.json().items.map((a: { path: string }) => a.path)).toEqual(['weights.bin'])
    const archive = await send(t, 'GET', `${versionPath(name, '~1.2.0')}/archive?format=tar`)
    expect(archive.statusCode).toBe(200)
    expect(archive.headers['x-modelreg-version']).toBe('1.2.5')
    const deployment = await send(t, 'POST', '/api/v1/deployments', {
      model: `default/${name}`,
      version: 'champion',
      environment: 'canary',
    })
    expect(deployment.statusCode, deployment.body).toBe(201)
    expect(deployment.json().version).toBe('1.2.0')
    expect((await send(t, 'POST', `/api/v1/deployments/${deployment.json().id}/stop`)).statusCode).toBe(200)
  })
})
