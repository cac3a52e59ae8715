import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/services/service-deps.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('DeploymentService on %s', (dialect) => {
  let t: TestRegistry
  let actor: Actor
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
    actor = t.admin
  })
  afterAll(async () => {
    await t.close()
  })

  it('marks the version deployed, guards deletes, and returns it to completed after the last stop', async () => {
    const name = uniqueName()
    await t.services.models.create(actor, { name, framework: 'onnx' })
    const model = `default/${name}`
    const a = await t.services.deployments.start(actor, { model, version: '1.0.0', environment: 'staging' })
    const b = await t.services.deployments.start(actor, {
      model,
      version: 'latest',
      environment: 'prod',
      endpoint: 'https://x.example/predict',
    })
    expect(a.version.status).toBe('deployed')
    await expect(
      t.services.deployments.start(actor, { model, version: '1.0.0', environment: 'prod' }),
    ).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    })
    await expect(t.services.models.delete(actor, 'default', name)).rejects.toMatchObject({
      code: 'MODEL_DEPLOYED',
      message: expect.stringContaining('Stop all deployments first'),
    })
    await expect(t.services.versions.delete(actor, 'default', name, '1.0.0')).rejects.toMatchObject({
      code: 'MODEL_DEPLOYED',
    })

    await t.services.deployments.stop(actor, a.deployment.id)
    expect((await t.services.versions.get(actor, 'default', name, '1.0.0')).version.status).toBe('deployed')
    const stopped = await t.services.deployments.stop(actor, b.deployment.id)
    expect(stopped.deployment).toMatchObject({ status: 'stopped', stoppedBy: 'admin' })
    expect(stopped.version.status).toBe('completed')
    await expect(t.services.deployments.stop(actor, b.deployment.id)).rejects.toMatchObject({ code: 'CONFLICT' })

    const active = await t.services.deployments.list(actor, { model, status: 'active' })
    expect(active.items).toHaveLength(0)
    const all = await t.services.deployments.list(actor, { model, version: '1.0.0' })
    expect(all.items.map((d) => d.deployment.environment).sort()).toEqual(['prod', 'staging'])
    await t.services.models.delete(actor, 'default', name)
  })

  it('guards a version whose status is deployed even without a deployment record', async () => {
    const name = uniqueName()
    await t.services.models.create(actor, { name, framework: 'onnx', status: 'deployed' })
    await expect(t.services.models.delete(actor, 'default', name)).rejects.toMatchObject({ code: 'MODEL_DEPLOYED' })
  })
})
