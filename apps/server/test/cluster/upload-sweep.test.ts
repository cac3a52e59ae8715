// The expired-upload sweep under a lease: parts live in the shared blob store, so only the replica holding the lease
// sweeps, sessions and leftover parts alike; the others leave both to it.
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
  const sweeper = (lease: LeaseService) =>
    t.services.uploads.startSweeping(
      24 * 3600_000,
      (err) => {
        throw err
      },
      { leases: lease, name: 'upload-sweep', ttlMs: 60_000 },
    )

  it('leaves leftover parts to the replica holding the lease, which removes them', async () => {
    const holder = leases('holder')
    expect(await holder.acquire('upload-sweep', 60_000)).toBe(true)
    const orphan = randomUUID()
    await t.parts.write(orphan, 1, Readable.from([Buffer.from('left behind')]), {})
    const other = sweeper(leases('other'))
    try {
      expect(await other.runOnce()).toBe(false)
      expect(await t.parts.list()).toEqual([orphan])
    } finally {
      await other.stop()
    }
    const onHolder = sweeper(holder)
    expect(await onHolder.runOnce()).toBe(true)
    expect(await t.parts.list()).toEqual([])
    await onHolder.stop()
    // Stopping gives the lease up.
    expect(await holder.holderOf('upload-sweep')).toBeUndefined()
  })
})
