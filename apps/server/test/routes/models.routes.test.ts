import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'

describe.each(dialects)('models routes on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('round-trips the product doc example configuration', async () => {
    const created = await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: exampleModel() })
    expect(created.statusCode).toBe(201)
    const got = await t.app.inject({ method: 'GET', url: '/api/v1/models/default/resnet50-imagenet-v1' })
    expect(got.statusCode).toBe(200)
    expect(got.json()).toMatchObject({
      org: 'default',
      name: 'resnet50-imagenet-v1',
      framework: 'pytorch',
      taskType: 'classification',
      modelType: 'custom',
      publicAccess: true,
      versionCount: 1,
      latestVersion: {
        version: '1.0.0',
        description: 'ResNet50 trained on ImageNet-1K, 76.5% top-1 accuracy',
        status: 'draft',
        stage: 'development',
        tags: ['computer-vision', 'production'],
        author: 'ML Team',
        license: 'mit',
      },
      nextVersion: { major: '2.0.0', minor: '1.1.0', patch: '1.0.1' },
    })
  })

  it('applies the product doc defaults', async () => {
    const name = uniqueName()
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      taskType: 'classification',
      modelType: 'custom',
      publicAccess: false,
      latestVersion: { version: '1.0.0', status: 'draft', stage: 'development' },
    })
  })

  it('refuses a duplicate name case-insensitively', async () => {
    const name = uniqueName('Dup')
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })).statusCode,
    ).toBe(201)
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { name: name.toLowerCase(), framework: 'onnx' },
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().error.code).toBe('ALREADY_EXISTS')
  })
})
