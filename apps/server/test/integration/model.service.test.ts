import type { UpdateModelBody } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FieldNotEditableError } from '../../src/errors.js'
import type { Actor } from '../../src/services/service-deps.js'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('ModelService on %s', (dialect) => {
  let t: TestRegistry
  let actor: Actor
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
    actor = t.admin
  })
  afterAll(async () => {
    await t.close()
  })

  it('creates a model with its first version, initial stage transition and events in one go', async () => {
    const name = uniqueName('resnet')
    const { model, latest } = await t.services.models.create(actor, exampleModel({ name }))
    expect(model).toMatchObject({ org: 'default', name, versionCount: 1, framework: 'pytorch', publicAccess: true })
    expect(latest).toMatchObject({ version: '1.0.0', stage: 'development', tags: ['computer-vision', 'production'] })
    const history = await t.services.versions.stageHistory(actor, 'default', name, '1.0.0')
    expect(history).toMatchObject([{ from: null, to: 'development', actor: 'admin' }])
    const events = await t.services.events.listForModel(actor, 'default', name, {})
    expect(events.items.map((e) => e.type)).toEqual(['version.created', 'model.created'])
  })

  it('rolls the whole creation back when the first version is invalid', async () => {
    const name = uniqueName()
    await expect(t.services.models.create(actor, exampleModel({ name, version: 'one' }))).rejects.toThrow(
      /semantic version/,
    )
    await expect(t.services.models.get(actor, 'default', name)).rejects.toThrow(/not found/)
  })

  it('finds models by name case-insensitively and refuses a second one with the same key', async () => {
    const name = uniqueName('CaseTest')
    await t.services.models.create(actor, { name, framework: 'onnx' })
    expect((await t.services.models.get(actor, 'default', name.toLowerCase())).model.name).toBe(name)
    await expect(
      t.services.models.create(actor, { name: name.toUpperCase(), framework: 'onnx' }),
    ).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    })
  })

  it('lets exactly one of many concurrent creations of the same model win', async () => {
    const name = uniqueName('race')
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => t.services.models.create(actor, { name, framework: 'onnx' })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results.filter((r) => r.status === 'rejected')) {
      expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'ALREADY_EXISTS' })
    }
    expect((await t.services.models.get(actor, 'default', name)).model.versionCount).toBe(1)
  })

  it('updates only model-level fields and records before/after', async () => {
    const name = uniqueName()
    await t.services.models.create(actor, { name, framework: 'tensorflow' })
    const { model } = await t.services.models.update(actor, 'default', name, {
      modelType: 'others',
      modelTypeOther: 'EfficientNet',
      publicAccess: true,
    })
    expect(model).toMatchObject({
      modelType: 'others',
      modelTypeOther: 'EfficientNet',
      publicAccess: true,
      framework: 'tensorflow',
    })
    const [event] = (await t.services.events.listForModel(actor, 'default', name, { type: 'model.updated' })).items
    expect(event?.data).toEqual({
      changes: {
        modelType: { before: 'custom', after: 'others' },
        modelTypeOther: { before: null, after: 'EfficientNet' },
        publicAccess: { before: false, after: true },
      },
    })
    expect(new FieldNotEditableError('name', 'x').code).toBe('FIELD_NOT_EDITABLE')
  })

  it('refuses Model Name, Framework and version fields itself, whatever the caller, and changes nothing', async () => {
    const name = uniqueName()
    await t.services.models.create(actor, { name, framework: 'onnx' })
    const edit = (changes: object) =>
      t.services.models.update(actor, 'default', name, { publicAccess: true, ...changes } as UpdateModelBody)
    await expect(edit({ name: 'renamed' })).rejects.toMatchObject({
      code: 'FIELD_NOT_EDITABLE',
      details: { field: 'name' },
    })
    await expect(edit({ framework: 'pytorch' })).rejects.toMatchObject({ code: 'FIELD_NOT_EDITABLE' })
    await expect(edit({ tags: ['x'] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'tags' } })
    expect((await t.services.models.get(actor, 'default', name)).model).toMatchObject({ name, publicAccess: false })
  })

  it('deletes a model with its versions and keeps a model.deleted event', async () => {
    const name = uniqueName()
    await t.services.models.create(actor, { name, framework: 'onnx' })
    await t.services.versions.create(actor, 'default', name, { version: '1.1.0' })
    await t.services.models.delete(actor, 'default', name)
    await expect(t.services.models.get(actor, 'default', name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const rows = await t.db.kysely.selectFrom('events').select('type').where('model_name', '=', name).execute()
    expect(rows.map((r) => r.type)).toContain('model.deleted')
  })

  it('pages every model exactly once whatever the sort', async () => {
    const prefix = uniqueName('page')
    for (let i = 0; i < 7; i++) await t.services.models.create(actor, { name: `${prefix}-${i}`, framework: 'onnx' })
    for (const sort of ['name', '-name', 'created', '-created', 'updated', '-updated'] as const) {
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await t.services.models.list(actor, { q: prefix, sort, limit: 3, cursor })
        seen.push(...page.items.map((i) => i.model.name))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(new Set(seen).size, sort).toBe(7)
      expect(seen, sort).toHaveLength(7)
    }
  })
})
