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
  startDeployment,
  stopDeployment,
  type TestApp,
  versionPath,
} from './route-kit.js'

const stopFirst = /stop (all )?(its )?deployments first/i

describe.each(dialects)('delete guard on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await openTestApp(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('refuses to delete a model with an active deployment with 409 MODEL_DEPLOYED; after stopping, deletes it', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    const d = await startDeployment(t, name, '1.1.0')
    const before = await getJson(t, modelPath(name))
    const eventsBefore = await eventsOf(t, name)

    const err = expectError(await send(t, 'DELETE', modelPath(name)), 409, 'MODEL_DEPLOYED')
    expect(err.message).toMatch(stopFirst)
    expect(err.message).toContain('1.1.0')
    expect(err.details).toMatchObject({ versions: ['1.1.0'], deployments: [d.id] })
    expect(await getJson(t, modelPath(name))).toEqual(before)
    expect(await eventsOf(t, name)).toEqual(eventsBefore)

    await stopDeployment(t, d.id)
    expect((await send(t, 'DELETE', modelPath(name))).statusCode).toBe(204)
    expectError(await send(t, 'GET', modelPath(name)), 404, 'NOT_FOUND')
  })

  it('refuses to delete a model with a version whose status is deployed, without any deployment record', async () => {
    const { name } = await createModel(t, { status: 'deployed' })
    const err = expectError(await send(t, 'DELETE', modelPath(name)), 409, 'MODEL_DEPLOYED')
    expect(err.message).toMatch(stopFirst)
    expect((await getJson(t, modelPath(name))).versionCount).toBe(1)

    expect((await send(t, 'PATCH', versionPath(name, '1.0.0'), { status: 'archived' })).statusCode).toBe(200)
    expect((await send(t, 'DELETE', modelPath(name))).statusCode).toBe(204)
    expectError(await send(t, 'GET', modelPath(name)), 404, 'NOT_FOUND')
  })

  it('refuses to delete a version with an active deployment with 409 MODEL_DEPLOYED; after stopping, deletes it', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    const d = await startDeployment(t, name, '1.1.0')
    const before = await getJson(t, versionPath(name, '1.1.0'))

    const err = expectError(await send(t, 'DELETE', versionPath(name, '1.1.0')), 409, 'MODEL_DEPLOYED')
    expect(err.message).toMatch(stopFirst)
    expect(err.message).toContain('1.1.0')
    expect(await getJson(t, versionPath(name, '1.1.0'))).toEqual(before)

    await stopDeployment(t, d.id)
    expect((await send(t, 'DELETE', versionPath(name, '1.1.0'))).statusCode).toBe(204)
    expectError(await send(t, 'GET', versionPath(name, '1.1.0')), 404, 'NOT_FOUND')
    expect((await getJson(t, modelPath(name))).versionCount).toBe(1)
  })

  it('refuses to delete a version whose status is deployed; other versions delete freely', async () => {
    const { name } = await createModel(t, { status: 'deployed' })
    await createVersion(t, name, '1.1.0')
    expectError(await send(t, 'DELETE', versionPath(name, '1.0.0')), 409, 'MODEL_DEPLOYED')
    expect((await send(t, 'DELETE', versionPath(name, '1.1.0'))).statusCode).toBe(204)
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('deployed')
  })

  it('refuses to delete a version through "latest" while it is deployed', async () => {
    const { name } = await createModel(t)
    await startDeployment(t, name, 'latest')
    expectError(await send(t, 'DELETE', versionPath(name, 'latest')), 409, 'MODEL_DEPLOYED')
    expect((await getJson(t, versionPath(name, 'latest'))).version).toBe('1.0.0')
  })
})
