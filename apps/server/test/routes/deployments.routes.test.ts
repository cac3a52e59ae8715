import type { Deployment } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  allPages,
  createModel,
  createVersion,
  eventsOf,
  expectError,
  failingFields,
  getJson,
  send,
  startDeployment,
  stopDeployment,
  type TestApp,
  versionPath,
} from './route-kit.js'

const ids = (items: Deployment[]) => items.map((d) => d.id).sort()

describe.each(dialects)('deployments routes on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await openTestApp(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('starts a deployment, returns the record and sets the version status to deployed', async () => {
    const { name } = await createModel(t)
    const res = await send(t, 'POST', '/api/v1/deployments', {
      model: `default/${name}`,
      version: '1.0.0',
      environment: 'production',
      endpoint: 'https://serving.example.com/resnet',
    })
    expect(res.statusCode, res.body).toBe(201)
    const deployment = res.json()
    expect(deployment).toEqual({
      id: expect.any(String),
      model: `default/${name}`,
      version: '1.0.0',
      environment: 'production',
      endpoint: 'https://serving.example.com/resnet',
      status: 'active',
      startedBy: 'admin',
      startedAt: expect.any(String),
      stoppedBy: null,
      stoppedAt: null,
    })
    expect(await getJson(t, `/api/v1/deployments/${deployment.id}`)).toEqual(deployment)
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('deployed')
  })

  it('deploys "latest" as the highest release', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0')
    await createVersion(t, name, '2.0.0-rc.1')
    expect((await startDeployment(t, name, 'latest')).version).toBe('1.1.0')
  })

  it('refuses a second active deployment of a version in the same environment with 409', async () => {
    const { name } = await createModel(t)
    await startDeployment(t, name, '1.0.0', 'production')
    const res = await send(t, 'POST', '/api/v1/deployments', {
      model: `default/${name}`,
      version: '1.0.0',
      environment: 'production',
    })
    const err = expectError(res, 409, 'ALREADY_EXISTS')
    expect(err.message).toContain('production')
    expect(await getJson(t, `/api/v1/deployments?model=default/${name}`)).toMatchObject({ items: [{}] })
    expect((await startDeployment(t, name, '1.0.0', 'staging')).environment).toBe('staging')
  })

  it('keeps the version deployed until its last deployment stops, then sets it completed', async () => {
    const { name } = await createModel(t)
    const prod = await startDeployment(t, name, '1.0.0', 'production')
    const staging = await startDeployment(t, name, '1.0.0', 'staging')
    const stopped = await stopDeployment(t, prod.id)
    expect(stopped).toMatchObject({ id: prod.id, status: 'stopped', stoppedBy: 'admin', stoppedAt: expect.any(String) })
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('deployed')
    await stopDeployment(t, staging.id)
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('completed')
  })

  it('can start again in an environment whose deployment was stopped', async () => {
    const { name } = await createModel(t)
    await stopDeployment(t, (await startDeployment(t, name, '1.0.0', 'production')).id)
    expect((await startDeployment(t, name, '1.0.0', 'production')).status).toBe('active')
  })

  it('refuses to stop a deployment twice with 409, changing nothing', async () => {
    const { name } = await createModel(t)
    const d = await startDeployment(t, name)
    const stopped = await stopDeployment(t, d.id)
    const eventsBefore = await eventsOf(t, name)
    const err = expectError(await send(t, 'POST', `/api/v1/deployments/${d.id}/stop`), 409, 'CONFLICT')
    expect(err.message).toContain('already stopped')
    expect(await getJson(t, `/api/v1/deployments/${d.id}`)).toEqual(stopped)
    expect(await eventsOf(t, name)).toEqual(eventsBefore)
  })

  it('refuses to change the status of a version with an active deployment with 409', async () => {
    const { name } = await createModel(t)
    await startDeployment(t, name)
    expectError(await send(t, 'PATCH', versionPath(name, '1.0.0'), { status: 'archived' }), 409, 'CONFLICT')
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('deployed')
  })

  it.each([
    ['an unknown model', { model: 'default/no-such-model', version: '1.0.0', environment: 'production' }],
    ['an unknown organisation', { model: 'nowhere/resnet', version: '1.0.0', environment: 'production' }],
  ])('answers 404 NOT_FOUND for %s', async (_what, body) => {
    expectError(await send(t, 'POST', '/api/v1/deployments', body), 404, 'NOT_FOUND')
  })

  it('answers 404 for an unknown version and an unknown deployment id', async () => {
    const { name } = await createModel(t)
    const body = { model: `default/${name}`, version: '9.0.0', environment: 'production' }
    expectError(await send(t, 'POST', '/api/v1/deployments', body), 404, 'NOT_FOUND')
    const unknown = '00000000-0000-4000-8000-000000000000'
    expectError(await send(t, 'GET', `/api/v1/deployments/${unknown}`), 404, 'NOT_FOUND')
    expectError(await send(t, 'POST', `/api/v1/deployments/${unknown}/stop`), 404, 'NOT_FOUND')
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('draft')
  })

  it.each<[string, Record<string, string> & { model: string }]>([
    ['model', { model: 'resnet', version: '1.0.0', environment: 'production' }],
    ['environment', { model: 'default/resnet', version: '1.0.0', environment: 'prod env!' }],
    ['endpoint', { model: 'default/resnet', version: '1.0.0', environment: 'production', endpoint: 'not a url' }],
    ['version', { model: 'default/resnet', version: '1.0.0.0', environment: 'production' }],
    ...[
      'javascript:alert(document.cookie)',
      'JavaScript://x/%0aalert(1)',
      'data:text/html,<script>x</script>',
      'file:///etc/passwd',
      '//evil.example/x',
      'https:///x',
    ].map((endpoint): [string, Record<string, string> & { model: string }] => [
      'endpoint',
      { model: 'default/resnet', version: '1.0.0', environment: 'production', endpoint },
    ]),
  ])('refuses a malformed %s with 400 VALIDATION_FAILED', async (field, body) => {
    const { name } = await createModel(t)
    const res = await send(t, 'POST', '/api/v1/deployments', { ...body, model: body.model.replace('resnet', name) })
    expect(failingFields(expectError(res, 400, 'VALIDATION_FAILED'))).toContain(field)
    expect((await getJson(t, versionPath(name, '1.0.0'))).status).toBe('draft')
  })

  describe('listing', () => {
    let name: string
    let other: string
    const started: Deployment[] = []
    beforeAll(async () => {
      name = (await createModel(t)).name
      other = (await createModel(t)).name
      await createVersion(t, name, '1.1.0')
      started.push(await startDeployment(t, name, '1.0.0', 'production'))
      started.push(await startDeployment(t, name, '1.0.0', 'staging'))
      started.push(await startDeployment(t, name, '1.1.0', 'canary'))
      started.push(await startDeployment(t, other, '1.0.0', 'production'))
      await stopDeployment(t, started[1]?.id ?? '')
    })
    const list = (query: string) => getJson(t, `/api/v1/deployments?${query}`).then((p) => ids(p.items))

    it('lists by model', async () => {
      expect(await list(`model=default/${name}`)).toEqual(ids(started.slice(0, 3)))
      expect(await list(`model=default/${other}`)).toEqual(ids(started.slice(3)))
    })

    it('lists by model and version, "latest" included', async () => {
      expect(await list(`model=default/${name}&version=1.0.0`)).toEqual(ids(started.slice(0, 2)))
      expect(await list(`model=default/${name}&version=latest`)).toEqual(ids(started.slice(2, 3)))
    })

    it('lists by status', async () => {
      expect(await list(`model=default/${name}&status=active`)).toEqual(ids([started[0], started[2]] as Deployment[]))
      expect(await list(`model=default/${name}&status=stopped`)).toEqual(ids(started.slice(1, 2)))
    })

    it('lists newest first and pages with cursors, every deployment once', async () => {
      const all = await allPages<Deployment>(t, `/api/v1/deployments?model=default/${name}&limit=1`)
      expect(all.map((d) => d.id).sort()).toEqual(ids(started.slice(0, 3)))
      const startedAt = all.map((d) => d.startedAt)
      expect(startedAt).toEqual([...startedAt].sort().reverse())
    })

    it('refuses version without model with 400, and answers 404 for an unknown model', async () => {
      expectError(await send(t, 'GET', '/api/v1/deployments?version=1.0.0'), 400, 'VALIDATION_FAILED')
      expectError(await send(t, 'GET', '/api/v1/deployments?model=default/no-such-model'), 404, 'NOT_FOUND')
      expectError(await send(t, 'GET', '/api/v1/deployments?status=running'), 400, 'VALIDATION_FAILED')
    })
  })
})
