import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel,
  createVersion,
  eventsOf,
  expectError,
  failingFields,
  getJson,
  modelPath,
  send,
  type TestApp,
  versionPath,
  versionsPath,
} from './route-kit.js'

describe.each(dialects)('models routes on %s', (dialect) => {
  let t: TestApp
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
    expect(got.json()).toEqual(created.json())
    expect(got.json()).toMatchObject({
      org: 'default',
      name: 'resnet50-imagenet-v1',
      framework: 'pytorch',
      taskType: 'classification',
      modelType: 'custom',
      publicAccess: true,
      createdBy: 'admin',
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

  it('carries the most advanced stage any version holds, with that version, in the model and the list', async () => {
    const { name } = await createModel(t)
    expect((await getJson(t, modelPath(name))).topStage).toEqual({ stage: 'development', version: '1.0.0' })
    await createVersion(t, name, '1.1.0')
    expect((await send(t, 'POST', `${versionPath(name, '1.1.0')}/stage`, { stage: 'production' })).statusCode).toBe(200)
    // A newer version in Development does not hide that 1.1.0 is in Production.
    await createVersion(t, name, '1.2.0')
    const model = await getJson(t, modelPath(name))
    expect(model.latestVersion.stage).toBe('development')
    expect(model.topStage).toEqual({ stage: 'production', version: '1.1.0' })
    const listed = await getJson(t, `/api/v1/models?q=${encodeURIComponent(name)}`)
    expect(listed.items.map((m: { topStage: unknown }) => m.topStage)).toEqual([
      { stage: 'production', version: '1.1.0' },
    ])
    // Staging outranks Development; Archived counts only when every version is archived.
    expect((await send(t, 'POST', `${versionPath(name, '1.1.0')}/stage`, { stage: 'archived' })).statusCode).toBe(200)
    expect((await send(t, 'POST', `${versionPath(name, '1.0.0')}/stage`, { stage: 'staging' })).statusCode).toBe(200)
    expect((await getJson(t, modelPath(name))).topStage).toEqual({ stage: 'staging', version: '1.0.0' })
    for (const v of ['1.0.0', '1.2.0'])
      expect((await send(t, 'POST', `${versionPath(name, v)}/stage`, { stage: 'archived' })).statusCode).toBe(200)
    expect((await getJson(t, modelPath(name))).topStage).toEqual({ stage: 'archived', version: '1.2.0' })
    // Deleting the version that held it moves it to the next.
    expect((await send(t, 'DELETE', versionPath(name, '1.2.0'))).statusCode).toBe(204)
    expect((await getJson(t, modelPath(name))).topStage).toEqual({ stage: 'archived', version: '1.1.0' })
  })

  it('applies the product doc defaults', async () => {
    const name = uniqueName()
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      org: 'default',
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

  it('finds a model by its name in any letter case', async () => {
    const { name } = await createModel(t, { name: uniqueName('MixedCase') })
    expect((await getJson(t, modelPath(name.toUpperCase()))).name).toBe(name)
  })

  it('accepts an explicit org "default"; an unknown org is 404 and a malformed one 400', async () => {
    expect((await createModel(t, { org: 'default' })).org).toBe('default')
    expectError(
      await send(t, 'POST', '/api/v1/models', exampleModel({ name: uniqueName(), org: 'nowhere' })),
      404,
      'NOT_FOUND',
    )
    const bad = expectError(
      await send(t, 'POST', '/api/v1/models', exampleModel({ name: uniqueName(), org: 'Bad Org' })),
      400,
      'VALIDATION_FAILED',
    )
    expect(failingFields(bad)).toContain('org')
  })

  it('answers 404 NOT_FOUND for an unknown model', async () => {
    const err = expectError(await send(t, 'GET', modelPath('no-such-model')), 404, 'NOT_FOUND')
    expect(err.message).toContain('no-such-model')
  })

  describe('"Others" takes a custom value', () => {
    it('round-trips framework others / XGBoost under the doc\'s "XGBoost House Prices"', async () => {
      const body = exampleModel({
        name: 'XGBoost House Prices',
        framework: 'others',
        frameworkOther: 'XGBoost',
        taskType: 'regression',
      })
      expect((await send(t, 'POST', '/api/v1/models', body)).statusCode).toBe(201)
      const got = await getJson(t, '/api/v1/models/default/XGBoost%20House%20Prices')
      expect(got).toMatchObject({ name: 'XGBoost House Prices', framework: 'others', frameworkOther: 'XGBoost' })
    })

    it.each([
      ['taskType', { taskType: 'others', taskTypeOther: 'Ranking' }, { taskType: 'others', taskTypeOther: 'Ranking' }],
      ['modelType', { modelType: 'others', modelTypeOther: 'UNet' }, { modelType: 'others', modelTypeOther: 'UNet' }],
      [
        'license',
        { license: 'others', licenseOther: 'CC-BY-4.0' },
        { latestVersion: { license: 'others', licenseOther: 'CC-BY-4.0' } },
      ],
    ] as const)('round-trips %s others with its text', async (_field, fields, expected) => {
      const created = await createModel(t, fields)
      expect(await getJson(t, modelPath(created.name))).toMatchObject(expected)
    })

    it.each([
      ['framework', { framework: 'others' }],
      ['taskType', { taskType: 'others' }],
      ['modelType', { modelType: 'others' }],
      ['license', { license: 'others' }],
      ['framework', { framework: 'others', frameworkOther: '   ' }],
    ] as const)('refuses %s "others" without its text with 400 naming <field>Other', async (field, fields) => {
      const name = uniqueName()
      const err = expectError(
        await send(t, 'POST', '/api/v1/models', exampleModel({ name, ...fields })),
        400,
        'VALIDATION_FAILED',
      )
      expect(failingFields(err)).toContain(`${field}Other`)
      expectError(await send(t, 'GET', modelPath(name)), 404, 'NOT_FOUND')
    })

    it.each([
      ['framework', { framework: 'pytorch', frameworkOther: 'XGBoost' }],
      ['taskType', { taskType: 'regression', taskTypeOther: 'Ranking' }],
      ['modelType', { modelType: 'resnet', modelTypeOther: 'UNet' }],
      ['license', { license: 'mit', licenseOther: 'CC-BY-4.0' }],
    ] as const)('refuses %sOther unless the choice is "others"', async (field, fields) => {
      const name = uniqueName()
      const err = expectError(
        await send(t, 'POST', '/api/v1/models', exampleModel({ name, ...fields })),
        400,
        'VALIDATION_FAILED',
      )
      expect(failingFields(err)).toContain(`${field}Other`)
      expectError(await send(t, 'GET', modelPath(name)), 404, 'NOT_FOUND')
    })
  })

  it.each([
    ['framework', 'xgboost'],
    ['framework', 'PyTorch'],
    ['taskType', 'ranking'],
    ['modelType', 'gpt'],
    ['status', 'live'],
    ['license', 'bsd'],
  ])('refuses a bad %s %j with 400 VALIDATION_FAILED listing the allowed values', async (field, value) => {
    const name = uniqueName()
    const res = await send(t, 'POST', '/api/v1/models', { ...exampleModel({ name }), [field]: value })
    const err = expectError(res, 400, 'VALIDATION_FAILED')
    expect(failingFields(err)).toContain(field)
    expect(err.message).toMatch(/must be one of/)
    expectError(await send(t, 'GET', modelPath(name)), 404, 'NOT_FOUND')
  })

  it.each([
    ['framework', 'tensorflow'],
    ['taskType', 'regression'],
    ['modelType', 'bert'],
    ['status', 'completed'],
    ['stage', 'production'],
    ['license', 'gpl'],
  ])('list filter %s=%s is accepted and a bad value is 400 VALIDATION_FAILED', async (field, good) => {
    expect((await send(t, 'GET', `/api/v1/models?${field}=${good}`)).statusCode).toBe(200)
    const err = expectError(await send(t, 'GET', `/api/v1/models?${field}=bogus`), 400, 'VALIDATION_FAILED')
    expect(failingFields(err)).toContain(`querystring.${field}`)
  })

  describe('PATCH a model', () => {
    it.each([
      ['name', 'renamed-model'],
      ['framework', 'onnx'],
      ['version', '2.0.0'],
    ])(
      'refuses to change %s with 400 FIELD_NOT_EDITABLE naming the field, and changes nothing',
      async (field, value) => {
        const { name } = await createModel(t)
        const before = await getJson(t, modelPath(name))
        const eventsBefore = await eventsOf(t, name)
        const err = expectError(
          await send(t, 'PATCH', modelPath(name), { [field]: value, publicAccess: false }),
          400,
          'FIELD_NOT_EDITABLE',
        )
        expect(err.details.field).toBe(field)
        expect(err.message).toContain(field)
        expect(await getJson(t, modelPath(name))).toEqual(before)
        expect(await eventsOf(t, name)).toEqual(eventsBefore)
      },
    )

    it.each([
      ['taskType', 'classification', 'regression'],
      ['modelType', 'custom', 'bert'],
      ['publicAccess', true, false],
    ])('changes %s and records model.updated with before and after', async (field, before, after) => {
      const { name } = await createModel(t)
      const res = await send(t, 'PATCH', modelPath(name), { [field]: after })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()[field]).toBe(after)
      expect((await getJson(t, modelPath(name)))[field]).toBe(after)
      const [latest] = await eventsOf(t, name)
      expect(latest).toMatchObject({ type: 'model.updated', actor: 'admin', version: null })
      expect(latest?.data.changes).toEqual({ [field]: { before, after } })
    })

    it('changes taskType to others with its text, and back', async () => {
      const { name } = await createModel(t)
      const res = await send(t, 'PATCH', modelPath(name), { taskType: 'others', taskTypeOther: 'Ranking' })
      expect(res.json()).toMatchObject({ taskType: 'others', taskTypeOther: 'Ranking' })
      const back = await send(t, 'PATCH', modelPath(name), { taskType: 'detection' })
      expect(back.json()).toMatchObject({ taskType: 'detection', taskTypeOther: null })
      expectError(await send(t, 'PATCH', modelPath(name), { modelType: 'others' }), 400, 'VALIDATION_FAILED')
    })

    it('records no event when nothing changes', async () => {
      const { name } = await createModel(t, { publicAccess: true })
      const eventsBefore = await eventsOf(t, name)
      expect((await send(t, 'PATCH', modelPath(name), { publicAccess: true })).statusCode).toBe(200)
      expect(await eventsOf(t, name)).toEqual(eventsBefore)
    })

    it.each([
      ['description', 'new text'],
      ['tags', ['x']],
      ['status', 'completed'],
      ['author', 'Someone'],
      ['license', 'gpl'],
    ])('points %s to the version it belongs to with 400, and changes nothing', async (field, value) => {
      const { name } = await createModel(t)
      const before = await getJson(t, modelPath(name))
      const err = expectError(await send(t, 'PATCH', modelPath(name), { [field]: value }), 400, 'VALIDATION_FAILED')
      expect(err.message).toContain('/versions/')
      expect(await getJson(t, modelPath(name))).toEqual(before)
    })

    it('answers 404 for an unknown model', async () => {
      expectError(await send(t, 'PATCH', modelPath('no-such-model'), { publicAccess: true }), 404, 'NOT_FOUND')
    })
  })

  describe('DELETE a model', () => {
    it('deletes the model and its versions: 204, then 404, and the name is free again', async () => {
      const { name } = await createModel(t)
      await createVersion(t, name, '1.1.0')
      await createVersion(t, name, '2.0.0')
      expect((await send(t, 'DELETE', modelPath(name))).statusCode).toBe(204)
      expectError(await send(t, 'GET', modelPath(name)), 404, 'NOT_FOUND')
      expectError(await send(t, 'GET', versionPath(name, '1.1.0')), 404, 'NOT_FOUND')
      expectError(await send(t, 'GET', versionsPath(name)), 404, 'NOT_FOUND')
      expectError(await send(t, 'DELETE', modelPath(name)), 404, 'NOT_FOUND')

      const again = await createModel(t, { name })
      expect(again.versionCount).toBe(1)
      const versions = await getJson(t, versionsPath(name))
      expect(versions.items.map((v: { version: string }) => v.version)).toEqual(['1.0.0'])
      const events = await eventsOf(t, name)
      expect(events.map((e) => e.type)).toEqual(['version.created', 'model.created'])
    })
  })
})
