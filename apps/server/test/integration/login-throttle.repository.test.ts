// The database-backed sign-in counters: replicas on one database share the budgets, attempts racing from both
// are counted exactly once each, and rows that no longer matter are removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Db } from '../../src/db/database.js'
import { LoginThrottleRepository } from '../../src/repositories/login-throttle.repository.js'
import { defaultLoginLimits, LoginThrottle } from '../../src/services/login-throttle.js'
import { dialects, openTestRegistry, secondReplica, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('sign-in counters in the database on %s', (dialect) => {
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

  const replica = (db: Db) => {
    const store = new LoginThrottleRepository(db.kysely, db.dialect, now)
    return { store, throttle: new LoginThrottle(store, defaultLoginLimits, now) }
  }

  it('lets exactly the allowance through when 100 attempts race on two replicas', async () => {
    const a = replica(t.db)
    const b = replica(second)
    const begun = await Promise.all(
      Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? a : b).throttle.begin('bob', '192.0.2.1')),
    )
    expect(begun.filter((x) => 'attempt' in x)).toHaveLength(5)
    // The owner from elsewhere is not refused, on either replica.
    expect('attempt' in (await b.throttle.begin('bob', '192.0.2.2'))).toBe(true)
  })

  it('shares a success: it takes back its own attempt on every replica', async () => {
    const a = replica(t.db)
    const b = replica(second)
    for (let i = 0; i < 4; i++) expect('attempt' in (await a.throttle.begin('carol', '198.51.100.1'))).toBe(true)
    const ok = await b.throttle.begin('carol', '198.51.100.1')
    if (!('attempt' in ok)) throw new Error('refused')
    await b.throttle.succeeded(ok.attempt)
    // The pair starts afresh after the success.
    for (let i = 0; i < 5; i++) expect('attempt' in (await a.throttle.begin('carol', '198.51.100.1'))).toBe(true)
    expect('retryAfter' in (await b.throttle.begin('carol', '198.51.100.1'))).toBe(true)
  })

  it('stores nothing for refused attempts and sweeps rows once their window has passed', async () => {
    const a = replica(t.db)
    for (let i = 0; i < 20; i++) await a.throttle.begin(`user-${i}`, '203.0.113.5')
    const rows = await a.store.count()
    for (let i = 20; i < 200; i++) await a.throttle.begin(`user-${i}`, '203.0.113.5')
    expect(await a.store.count()).toBe(rows)
    clock.now += defaultLoginLimits.windowMs + 120_000
    await a.throttle.begin('someone', '203.0.113.6')
    // Left: the remembered successful sign-in of carol, and the attempt just made (pair, address, account).
    expect(await a.store.count()).toBe(4)
  })
})
