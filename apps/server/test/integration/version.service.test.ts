import type { UpdateVersionBody } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '../../src/services/service-deps.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry, testClock } from '../helpers/registry.js'

describe.each(dialects)('VersionService on %s', (dialect) => {
  const clock = testClock()
  let t: TestRegistry
  let actor: Actor
  beforeAll(async () => {
    t = await openTestRegistry(dialect, { clock })
    actor = t.admin
  })
  afterAll(async () => {
    await t.close()
  })

  async function modelWith(versions: string[]) {
    const name = uniqueName()
    await t.services.models.create(actor, { name, framework: 'pytorch', version: versions[0] })
    for (const version of versions.slice(1)) await t.services.versions.create(actor, 'default', name, { version })
    return name
  }

  it('lists versions in semver order and resolves latest to the highest release', async () => {
    const name = await modelWith(['1.9.0', '1.10.0', '2.0.0-rc.1', '1.10.0-beta', '0.1.0'])
    const desc = await t.services.versions.list(actor, 'default', name, {})
    expect(desc.items.map((v) => v.version)).toEqual(['2.0.0-rc.1', '1.10.0', '1.10.0-beta', '1.9.0', '0.1.0'])
    const asc = await t.services.versions.list(actor, 'default', name, { order: 'asc', limit: 2 })
    expect(asc.items.map((v) => v.version)).toEqual(['0.1.0', '1.9.0'])
    const rest = await t.services.versions.list(actor, 'default', name, { order: 'asc', cursor: asc.nextCursor ?? '' })
    expect(rest.items.map((v) => v.version)).toEqual(['1.10.0-beta', '1.10.0', '2.0.0-rc.1'])
    expect((await t.services.versions.get(actor, 'default', name, 'latest')).version.version).toBe('1.10.0')
    expect((await t.services.models.get(actor, 'default', name)).latest?.version).toBe('1.10.0')
  })

  it('refuses a used version and names the next free minor', async () => {
    const name = await modelWith(['1.0.0', '1.1.0'])
    await expect(t.services.versions.create(actor, 'default', name, { version: '1.1.0' })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
      message: expect.stringContaining('next free minor is 1.2.0'),
    })
  })

  it('lets exactly one of many concurrent creations of the same version win', async () => {
    const name = await modelWith(['1.0.0'])
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => t.services.versions.create(actor, 'default', name, { version: '1.2.0' })),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect((await t.services.models.get(actor, 'default', name)).model.versionCount).toBe(2)
  })

  it('answers which version held Production at a time T', async () => {
    const name = await modelWith(['1.0.0', '1.1.0', '1.2.0'])
    clock.set('2026-03-01T00:00:00.000Z')
    await t.services.versions.changeStage(actor, 'default', name, '1.0.0', { stage: 'production' })
    clock.set('2026-04-01T00:00:00.000Z')
    const promoted = await t.services.versions.changeStage(actor, 'default', name, '1.1.0', {
      stage: 'production',
      archivePrevious: true,
      comment: 'better top-1',
    })
    expect(promoted.archived).toEqual(['1.0.0'])
    expect(promoted.transition).toMatchObject({ from: 'development', to: 'production', comment: 'better top-1' })
    const at = async (iso: string) =>
      (await t.services.versions.list(actor, 'default', name, { stage: 'production', at: iso })).items.map(
        (v) => v.version,
      )
    expect(await at('2026-02-01T00:00:00Z')).toEqual([])
    expect(await at('2026-03-15T00:00:00Z')).toEqual(['1.0.0'])
    expect(await at('2026-04-02T00:00:00+02:00')).toEqual(['1.1.0'])
    expect((await t.services.versions.get(actor, 'default', name, '1.0.0')).version.stage).toBe('archived')
    const history = await t.services.versions.stageHistory(actor, 'default', name, '1.0.0')
    expect(history.map((h) => `${h.from}->${h.to}`)).toEqual([
      'null->development',
      'development->production',
      'production->archived',
    ])
  })

  it('freezes metrics once a version is completed', async () => {
    const name = await modelWith(['1.0.0'])
    await t.services.versions.update(actor, 'default', name, '1.0.0', { metrics: { top1_accuracy: 0.765 } })
    await t.services.versions.update(actor, 'default', name, '1.0.0', { status: 'completed' })
    await expect(
      t.services.versions.update(actor, 'default', name, '1.0.0', { metrics: { top1_accuracy: 0.9 } }),
    ).rejects.toMatchObject({ code: 'VERSION_FROZEN' })
    const v = await t.services.versions.update(actor, 'default', name, '1.0.0', { description: 'still editable' })
    expect(v.version).toMatchObject({ description: 'still editable', metrics: { top1_accuracy: 0.765 } })
  })

  it('refuses the version number, Model Name and model fields itself, whatever the caller', async () => {
    const name = await modelWith(['1.0.0'])
    const edit = (changes: object) =>
      t.services.versions.update(actor, 'default', name, '1.0.0', { description: 'x', ...changes } as UpdateVersionBody)
    await expect(edit({ version: '2.0.0' })).rejects.toMatchObject({
      code: 'FIELD_NOT_EDITABLE',
      details: { field: 'version' },
    })
    await expect(edit({ framework: 'onnx' })).rejects.toMatchObject({ code: 'FIELD_NOT_EDITABLE' })
    await expect(edit({ publicAccess: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    expect((await t.services.versions.get(actor, 'default', name, '1.0.0')).version.description).toBe('')
  })

  it('keeps the model row in step: count, latest and search text follow creates, edits and deletes', async () => {
    const name = await modelWith(['1.0.0'])
    await t.services.versions.create(actor, 'default', name, {
      version: '1.1.0',
      description: 'distilled variant',
      tags: ['Edge'],
    })
    let page = await t.services.models.list(actor, { q: 'distilled variant', tag: ['edge'] })
    expect(page.items.map((i) => i.model.name)).toContain(name)
    await t.services.versions.delete(actor, 'default', name, '1.1.0')
    const { model, latest } = await t.services.models.get(actor, 'default', name)
    expect(model.versionCount).toBe(1)
    expect(latest?.version).toBe('1.0.0')
    page = await t.services.models.list(actor, { q: 'distilled variant' })
    expect(page.items.map((i) => i.model.name)).not.toContain(name)
  })
})
