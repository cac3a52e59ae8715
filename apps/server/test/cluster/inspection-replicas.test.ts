// Inspection jobs across replicas and restarts: each file is inspected by one replica once, a job whose replica
// died mid-run is finished by another once its claim expires, and a new scanner version makes every file due again.
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.js'
import { SCANNER_VERSION } from '../../src/inspection/pickle-rules.js'
import { Store } from '../../src/repositories/repositories.js'
import { InspectionService } from '../../src/services/inspection.service.js'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { evilGlobalReduce, safetensors } from '../helpers/model-files.js'
import { dialects, openTestRegistry, secondReplica, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('inspection across replicas on %s', (dialect) => {
  let t: TestRegistry
  let second: Db
  let closeSecond: () => Promise<void>
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
    ;({ db: second, close: closeSecond } = secondReplica(t))
  })
  afterAll(async () => {
    await closeSecond()
    await t.close()
  })

  /** The other replica's service: its own connections, the same database and blob store. */
  const otherReplica = () =>
    new InspectionService({
      store: new Store(second),
      blobs: t.services.deps.blobs,
      clock: () => new Date().toISOString(),
      limits: {},
    })

  const uploadFiles = async (files: [string, Uint8Array][]) => {
    const name = uniqueName()
    await t.services.models.create(t.admin, exampleModel({ name }))
    const digests: string[] = []
    for (const [path, bytes] of files) {
      const { artifact } = await t.services.artifacts.upload(
        t.admin,
        { org: 'default', name, version: '1.0.0', path },
        Readable.from([Buffer.from(bytes)]),
        {},
      )
      digests.push(artifact.sha256)
    }
    return { name, digests }
  }
  const rows = async (digests: string[]) => [...(await t.store.pool.inspections.find(digests)).values()]

  it('inspects each file once when two replicas work the same queue', async () => {
    const files: [string, Uint8Array][] = Array.from({ length: 6 }, (_, i) => [
      `shard-${i}.safetensors`,
      safetensors({ [`w${i}`]: { dtype: 'F32', shape: [i + 1, 3] } }),
    ])
    files.push(['model.pkl', evilGlobalReduce()])
    const { digests } = await uploadFiles(files)
    const a = t.services.inspections.startWorking({ holder: 'replica-a', concurrency: 2, everyMs: 60_000 })
    const b = otherReplica().startWorking({ holder: 'replica-b', concurrency: 2, everyMs: 60_000 })
    await Promise.all([a.runUntilIdle(), b.runUntilIdle()])
    await Promise.all([a.stop(), b.stop()])
    const done = await rows(digests)
    expect(done).toHaveLength(7)
    for (const row of done) {
      expect(row.status).toBe('done')
      // One claim per file: no replica ran a file another had claimed.
      expect(row.attempts).toBe(1)
      expect(row.scannerVersion).toBe(SCANNER_VERSION)
    }
    expect(done.filter((r) => r.verdict === 'dangerous')).toHaveLength(1)
  })

  it('finishes a job whose replica died mid-run, once its claim has expired', async () => {
    const { digests } = await uploadFiles([['model.safetensors', safetensors({ w: { dtype: 'F16', shape: [5] } })]])
    // A replica claims the job and dies before storing a result.
    const claimedAt = Date.now()
    const [claimed] = await t.store.pool.inspections.claimDue(
      'dead-replica',
      claimedAt,
      claimedAt + 60_000,
      SCANNER_VERSION,
      1,
    )
    expect(claimed?.sha256).toBe(digests[0])
    // Another replica, restarted, does not take it while the claim lasts…
    const early = otherReplica().startWorking({ holder: 'replica-c', everyMs: 60_000, now: () => claimedAt + 1000 })
    await early.runUntilIdle()
    await early.stop()
    expect((await rows(digests))[0]?.status).toBe('pending')
    // …and finishes it once the claim has expired.
    const later = otherReplica().startWorking({ holder: 'replica-c', everyMs: 60_000, now: () => claimedAt + 61_000 })
    await later.runUntilIdle()
    await later.stop()
    const [row] = await rows(digests)
    expect(row).toMatchObject({ status: 'done', verdict: 'safe', format: 'safetensors', parameters: 5, attempts: 2 })
  })

  it('inspects again every file done by an older scanner version', async () => {
    const { digests } = await uploadFiles([['old.safetensors', safetensors({ v: { dtype: 'F32', shape: [2] } })]])
    const work = t.services.inspections.startWorking({ holder: 'replica-a', everyMs: 60_000 })
    await work.runUntilIdle()
    await t.db.kysely.updateTable('inspections').set({ scanner_version: 0 }).where('sha256', 'in', digests).execute()
    expect(
      (await t.services.inspections.get(t.admin, 'default', (await nameOf(digests[0] as string)) ?? '', '1.0.0'))
        .status,
    ).toBe('pending')
    await work.runUntilIdle()
    await work.stop()
    const [row] = await rows(digests)
    expect(row).toMatchObject({ status: 'done', scannerVersion: SCANNER_VERSION, attempts: 2 })
  })

  const nameOf = async (sha256: string) => {
    const row = await t.db.kysely
      .selectFrom('artifacts')
      .innerJoin('models', 'models.id', 'artifacts.model_id')
      .select('models.name')
      .where('artifacts.sha256', '=', sha256)
      .executeTakeFirst()
    return row?.name
  }
})
