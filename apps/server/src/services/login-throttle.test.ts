import { describe, expect, it } from 'vitest'
import { defaultLoginLimits, LoginThrottle, MemoryThrottleStore } from './login-throttle.js'

function throttleAt(start = 1_000_000, store = new MemoryThrottleStore()) {
  const clock = { now: start }
  const throttle = new LoginThrottle(store, defaultLoginLimits, () => clock.now)
  return { throttle, clock, store }
}

/** Starts an attempt and lets it fail (the reservation stays); the seconds to wait when it was refused. */
async function fail(throttle: LoginThrottle, account: string, address: string): Promise<number> {
  const begun = await throttle.begin(account, address)
  return 'retryAfter' in begun ? begun.retryAfter : 0
}

describe('login throttle', () => {
  it('counts an attempt when it starts: parallel attempts get no more than the allowance', async () => {
    const { throttle } = throttleAt()
    const begun = await Promise.all(Array.from({ length: 100 }, () => throttle.begin('alice', '10.0.0.1')))
    expect(begun.filter((b) => 'attempt' in b)).toHaveLength(5)
    expect(begun.filter((b) => 'retryAfter' in b && b.retryAfter === 900)).toHaveLength(95)
  })

  it("refuses an account from the address that failed it, and not the owner's other address", async () => {
    const { throttle, clock } = throttleAt()
    for (let i = 0; i < 5; i++) expect(await fail(throttle, 'alice', 'attacker')).toBe(0)
    expect(await fail(throttle, 'alice', 'attacker')).toBe(900)
    expect('attempt' in (await throttle.begin('alice', 'owner'))).toBe(true)
    clock.now += 900_001
    expect(await fail(throttle, 'alice', 'attacker')).toBe(0)
  })

  it("does not let a success clear the address's budget or another account's", async () => {
    const { throttle } = throttleAt()
    for (let i = 0; i < 5; i++) await fail(throttle, 'victim', 'attacker')
    for (let i = 0; i < 14; i++) await fail(throttle, `guess-${i}`, 'attacker')
    const own = await throttle.begin('mallory', 'attacker')
    if (!('attempt' in own)) throw new Error('refused')
    await throttle.succeeded(own.attempt)
    expect(await fail(throttle, 'victim', 'attacker')).toBeGreaterThan(0)
    // 19 failures so far: one more, then the address is spent.
    expect(await fail(throttle, 'guess-x', 'attacker')).toBe(0)
    expect(await fail(throttle, 'guess-y', 'attacker')).toBe(900)
  })

  it('slows an account attacked from many addresses down, never locks it, and spares a remembered address', async () => {
    const { throttle, clock } = throttleAt()
    const known = await throttle.begin('alice', 'home')
    if (!('attempt' in known)) throw new Error('refused')
    await throttle.succeeded(known.attempt)
    for (let i = 0; i < 10; i++) expect(await fail(throttle, 'alice', `bot-${i}`)).toBe(0)
    const waits: number[] = []
    for (let i = 10; i < 20; i++) {
      const wait = await fail(throttle, 'alice', `bot-${i}`)
      waits.push(wait)
      clock.now += wait * 1000
      expect(await fail(throttle, 'alice', `bot-${i}`)).toBe(0)
    }
    expect(waits).toEqual([1, 2, 4, 8, 16, 30, 30, 30, 30, 30])
    expect(await fail(throttle, 'alice', 'new-laptop')).toBe(30)
    expect('attempt' in (await throttle.begin('alice', 'home'))).toBe(true)
  })

  it('gives back an attempt whose password was never checked', async () => {
    const { throttle } = throttleAt()
    for (let i = 0; i < 4; i++) await fail(throttle, 'alice', 'a')
    const busy = await throttle.begin('alice', 'a')
    if (!('attempt' in busy)) throw new Error('refused')
    await throttle.withdraw(busy.attempt)
    expect(await fail(throttle, 'alice', 'a')).toBe(0)
    expect(await fail(throttle, 'alice', 'a')).toBe(900)
  })

  it('keeps at most its cap of keys, and adds none for refused attempts', async () => {
    const store = new MemoryThrottleStore(1000)
    const { throttle } = throttleAt(1_000_000, store)
    for (let i = 0; i < 5000; i++) await fail(throttle, `user-${i}`, `10.0.${i >> 8}.${i & 255}`)
    expect(store.size).toBeLessThanOrEqual(1000)

    const fresh = new MemoryThrottleStore()
    const one = throttleAt(1_000_000, fresh).throttle
    for (let i = 0; i < 400; i++) await fail(one, `new-name-${i}`, '10.9.9.9')
    // 20 admitted attempts: their pair and account keys, and the address.
    expect(fresh.size).toBe(41)
  })
})
