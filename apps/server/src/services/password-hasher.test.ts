import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { PasswordHasher } from './password-hasher.js'

/** Hashing that finishes when the test says so, and records how many ran at once. */
function gatedHashing() {
  const gates: (() => void)[] = []
  const stats = { running: 0, most: 0, done: 0 }
  const run = async () => {
    stats.running++
    stats.most = Math.max(stats.most, stats.running)
    await new Promise<void>((resolve) => gates.push(resolve))
    stats.running--
    stats.done++
  }
  return {
    stats,
    /** Lets every hash started so far finish, and waits a turn of the event loop for the next to start. */
    release: async () => {
      for (const open of gates.splice(0)) open()
      await new Promise((r) => setImmediate(r))
    },
    hashing: {
      hash: async () => {
        await run()
        return 'h'
      },
      verify: async () => {
        await run()
        return false
      },
    },
  }
}

describe('password hasher', () => {
  it('runs at most its concurrency at once, queues the rest in order, and refuses past the queue', async () => {
    const gated = gatedHashing()
    const hasher = new PasswordHasher(gated.hashing, { concurrency: 2, maxWaiting: 5 })
    const calls = Array.from({ length: 7 }, () => hasher.verify('pw', 'stored'))
    await expect(hasher.verify('pw', 'stored')).rejects.toSatisfy(
      (e) => e instanceof DomainError && e.code === 'UNAVAILABLE' && e.details.retryAfter === 1,
    )
    expect(hasher.load).toEqual({ running: 2, waiting: 5 })
    for (let i = 0; i < 4 && gated.stats.done < 7; i++) await gated.release()
    await Promise.all(calls)
    expect(gated.stats).toMatchObject({ most: 2, done: 7 })
    expect(hasher.load).toEqual({ running: 0, waiting: 0 })
  })
})
