// Leases on periodic work across two replicas of one database: one holder at a time, renewed by asking again,
// taken over once the holder stops renewing (it died) or lets go. Time moves through an injected clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.js'
import { LeaseRepository } from '../../src/repositories/lease.repository.js'
import { LeaseService } from '../../src/services/lease.service.js'
import { startPeriodicWork } from '../../src/services/periodic-work.js'
import { dialects, openTestRegistry, secondReplica, type TestRegistry } from '../helpers/registry.js'

const MINUTE = 60_000

describe.each(dialects)('leases on %s', (dialect) => {
  let t: TestRegistry
  let second: Db
  let closeSecond: () => Promise<void>
  const clock = { now: Date.parse('2026-01-01T00:00:00Z') }
  const now = () => clock.now
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
    ;({ db: second, close: closeSecond } = secondReplica(t))
  })
  afterAll(async () => {
    await closeSecond()
    await t.close()
  })

  const replica = (db: Db, holder: string) => new LeaseService({ leases: new LeaseRepository(db.kysely), holder, now })

  it('has one holder, renewed by asking again, taken over only once it expires', async () => {
    const a = replica(t.db, 'replica-a')
    const b = replica(second, 'replica-b')
    expect(await a.acquire('sweep', 10 * MINUTE)).toBe(true)
    expect(await b.acquire('sweep', 10 * MINUTE)).toBe(false)
    clock.now += 9 * MINUTE
    expect(await a.acquire('sweep', 10 * MINUTE)).toBe(true)
    clock.now += 9 * MINUTE
    // Renewed 9 minutes ago for 10: still a's.
    expect(await b.acquire('sweep', 10 * MINUTE)).toBe(false)
    expect(await b.holderOf('sweep')).toBe('replica-a')
    clock.now += 1 * MINUTE
    expect(await b.acquire('sweep', 10 * MINUTE)).toBe(true)
    // The old holder learns it lost the lease and does not take it back.
    expect(await a.acquire('sweep', 10 * MINUTE)).toBe(false)
    expect(a.holds('sweep')).toBe(false)
    expect(b.holds('sweep')).toBe(true)
  })

  it('is handed over at once when its holder lets go', async () => {
    const a = replica(t.db, 'replica-a')
    const b = replica(second, 'replica-b')
    expect(await a.acquire('release', MINUTE)).toBe(true)
    expect(await b.acquire('release', MINUTE)).toBe(false)
    await a.release('release')
    expect(await b.acquire('release', MINUTE)).toBe(true)
    // Letting go of a lease held by another does nothing.
    await a.release('release')
    expect(await b.holderOf('release')).toBe('replica-b')
  })

  it('goes to exactly one of 40 replicas asking at once', async () => {
    const asking = Array.from({ length: 40 }, (_, i) => replica(i % 2 === 0 ? t.db : second, `replica-${i}`))
    const won = await Promise.all(asking.map((r) => r.acquire('race', MINUTE)))
    expect(won.filter(Boolean)).toHaveLength(1)
    expect(await asking[0]?.holderOf('race')).toBe(`replica-${won.indexOf(true)}`)
  })

  it('runs periodic work on one replica, and on the other after the first dies', async () => {
    const runs: string[] = []
    const start = (db: Db, holder: string) =>
      startPeriodicWork({
        everyMs: 24 * 60 * MINUTE,
        work: async () => {
          runs.push(holder)
        },
        onError: (err) => {
          throw err
        },
        lease: { leases: replica(db, holder), name: 'periodic', ttlMs: 3 * MINUTE },
      })
    const workers = { 'replica-a': start(t.db, 'replica-a'), 'replica-b': start(second, 'replica-b') }
    try {
      for (let tick = 0; tick < 5; tick++) {
        await Promise.all(Object.values(workers).map((w) => w.runOnce()))
        clock.now += MINUTE
      }
      // Whichever won the first tick did the work every time, alone.
      const holder = runs[0] as keyof typeof workers
      expect(runs).toEqual(Array(5).fill(holder))
      // The holder dies: it stops ticking and never lets go. The other takes over once the lease (3 minutes) ran out.
      const survivor = holder === 'replica-a' ? 'replica-b' : 'replica-a'
      runs.length = 0
      for (let tick = 0; tick < 5; tick++) {
        await workers[survivor].runOnce()
        clock.now += MINUTE
      }
      expect(runs).toEqual([survivor, survivor, survivor])
    } finally {
      await Promise.all(Object.values(workers).map((w) => w.stop()))
    }
  })

  it('lets the next replica work at once after a graceful stop', async () => {
    const runs: string[] = []
    const start = (holder: string) =>
      startPeriodicWork({
        everyMs: 24 * 60 * MINUTE,
        work: async () => {
          runs.push(holder)
        },
        onError: (err) => {
          throw err
        },
        lease: { leases: replica(holder === 'replica-a' ? t.db : second, holder), name: 'graceful', ttlMs: MINUTE },
      })
    const a = start('replica-a')
    const b = start('replica-b')
    expect(await a.runOnce()).toBe(true)
    expect(await b.runOnce()).toBe(false)
    await a.stop()
    expect(await b.runOnce()).toBe(true)
    await b.stop()
    expect(runs).toEqual(['replica-a', 'replica-b'])
  })
})
