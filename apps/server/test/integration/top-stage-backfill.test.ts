// Migration 0006 gives models that existed before it their top stage, by the rule the services keep afterwards.
import type { Kysely } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backfillTopStage } from '../../src/db/migrations/0006-top-stage.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('the top-stage back-fill on %s', (dialect) => {
  let t: TestRegistry
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('finds what the services would have kept, for models from before the migration', async () => {
    const stagesOf: Record<string, [string, string][]> = {
      [uniqueName('prod')]: [
        ['1.0.0', 'archived'],
        ['1.1.0', 'production'],
        ['1.2.0', 'development'],
      ],
      [uniqueName('staging')]: [
        ['1.0.0', 'staging'],
        ['2.0.0', 'staging'],
      ],
      [uniqueName('archived')]: [
        ['1.0.0', 'archived'],
        ['1.1.0', 'archived'],
      ],
      [uniqueName('none')]: [],
    }
    for (const [name, versions] of Object.entries(stagesOf)) {
      await t.services.models.create(t.admin, { name, framework: 'onnx' })
      for (const [version, stage] of versions) {
        if (version !== '1.0.0') await t.services.versions.create(t.admin, 'default', name, { version })
        if (stage !== 'development')
          await t.services.versions.changeStage(t.admin, 'default', name, version, { stage: stage as 'staging' })
      }
      if (versions.length === 0) await t.services.versions.delete(t.admin, 'default', name, '1.0.0')
    }
    const db = t.db.kysely as unknown as Kysely<{
      models: { name: string; top_stage: string | null; top_stage_version_id: number | null }
      versions: { id: number; version: string }
    }>
    const read = async () =>
      Object.fromEntries(
        await Promise.all(
          Object.keys(stagesOf).map(async (name) => {
            const row = await db
              .selectFrom('models')
              .leftJoin('versions', 'versions.id', 'models.top_stage_version_id')
              .select(['models.top_stage', 'versions.version'])
              .where('models.name', '=', name)
              .executeTakeFirstOrThrow()
            return [name, [row.top_stage, row.version]]
          }),
        ),
      )
    const kept = await read()
    expect(Object.values(kept)).toEqual([
      ['production', '1.1.0'],
      ['staging', '2.0.0'],
      ['archived', '1.1.0'],
      [null, null],
    ])
    // As before the migration: no top stage on any row; the back-fill restores exactly what was kept.
    await db.updateTable('models').set({ top_stage: null, top_stage_version_id: null }).execute()
    await backfillTopStage(t.db.kysely as unknown as Kysely<unknown>)
    expect(await read()).toEqual(kept)
  })
})
