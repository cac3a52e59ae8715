// The expired-upload sweep under a lease: a replica that does not hold the lease leaves the sessions to the holder
// but still removes its own part files whose session is gone (parts live on the replica that took them).
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseRepository } from '../../src/repositories/lease.repository.js'
import { LeaseService } from '../../src/services/lease.service.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('the upload sweep under a lease on %s', (dialect) => {
  let t: TestRegistry
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  const leases = (holder: string) => new LeaseService({ leases: new LeaseRepository(t.db.kysely), holder })

  it('removes local leftover parts on a replica that does not hold the lease, and sweeps sessions on the holder', async () => {
    const holder = leases('holder')
    expect(await holder.acquire('upload-sweep', 60_000)).toBe(true)
    const orphan = randomUUID()
    await t.parts.write(orphan, 1, Readable.from([Buffer.from('left behind')]), {})
    const other = t.services.uploads.startSweeping(
      24 * 3600_000,
      (err) => {
        throw err
      },
      { leases: leases('other'), name: 'upload-sweep', ttlMs: 60_000 },
    )
    try {
      expect(await other.runOnce()).toBe(false)
      expect(await t.parts.list()).toEqual([])
    } finally {
      await other.stop()
    }
    const onHolder = t.services.uploads.startSweeping(
      24 * 3600_000,
      (err) => {
        throw err
      },
      { leases: holder, name: 'upload-sweep', ttlMs: 60_000 },
    )
    expect(await onHolder.runOnce()).toBe(true)
    await onHolder.stop()
    // Stopping gives the lease up.
    expect(await holder.holderOf('upload-sweep')).toBeUndefined()
  })
})
