// Migration 0011 numbers the versions that existed before it (MLflow's version numbers) in creation order, and
// later versions continue from there.
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfillSequences } from '../../src/db/migrations/0011-mlflow.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('the version sequence back-fill on %s', (dialect) => {
  let t: TestRegistry
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('numbers versions per model in creation order, whatever their semver order, and continues after them', async () => {
    const name = uniqueName()
    await t.services.models.create(t.admin, { name, framework: 'onnx', version: '2.0.0' })
    for (const version of ['1.0.0', '3.0.0', '1.5.0'])
      await t.services.versions.create(t.admin, 'default', name, { version })
    const other = uniqueName()
    await t.services.models.create(t.admin, { name: other, framework: 'onnx' })
    // As before the migration: no numbers at all.
    const db = t.db.kysely
    await db.updateTable('versions').set({ sequence: null }).execute()
    await db.updateTable('models').set({ last_sequence: 0 }).execute()
    await backfillSequences(db as unknown as Kysely<unknown>)
    const numbers = async (model: string) =>
      (await t.services.versions.list(t.admin, 'default', model, { order: 'asc', limit: 50 })).items
        .map((v) => [v.version, v.sequence])
        .sort((a, b) => Number(a[1]) - Number(b[1]))
    expect(await numbers(name)).toEqual([
      ['2.0.0', 1],
      ['1.0.0', 2],
      ['3.0.0', 3],
      ['1.5.0', 4],
    ])
    expect(await numbers(other)).toEqual([['1.0.0', 1]])
    await t.services.versions.create(t.admin, 'default', name, { version: '4.0.0' })
    expect((await t.services.versions.get(t.admin, 'default', name, '4.0.0')).version.sequence).toBe(5)
  })
})
