// Sign-in throttling (docs/security.md). An attempt is counted before its password is checked, so parallel
// attempts cannot overtake the count; a success takes its own attempt back and nothing else. Three budgets:
//   - account + address: `maxFailures` failures in the window, then that pair waits (the attacker's address is
//     stopped; the owner signing in from anywhere else is not);
//   - address: `maxFailuresPerAddress` failures over all accounts, then the address waits;
//   - account, over all addresses: after `accountFreeFailures` failures each further attempt waits a delay that
//     doubles up to `maxDelayMs` (a slowdown, never a lockout), except from an address that signed in to the
//     account successfully within `rememberMs`.
// The counters live in a ThrottleStore: in memory and bounded here, behind an interface a database can implement.

/** The budgets and times of the throttle. */
export interface LoginLimits {
  maxFailures: number
  maxFailuresPerAddress: number
  windowMs: number
  accountFreeFailures: number
  maxDelayMs: number
  rememberMs: number
}

export const defaultLoginLimits: LoginLimits = {
  maxFailures: 5,
  maxFailuresPerAddress: 20,
  windowMs: 15 * 60_000,
  accountFreeFailures: 10,
  maxDelayMs: 30_000,
  rememberMs: 30 * 24 * 3_600_000,
}

/** A counter's name, and how long after its newest hit it still matters (a store may drop it then). */
export interface ThrottleKey {
  key: string
  maxAgeMs: number
}

/**
 * Times of recent hits (ms since the epoch, oldest first) per key. `update` must be atomic per call, across
 * replicas for a shared store (repositories/login-throttle.repository.ts: one transaction, the keys' rows locked).
 *
 * @example
 *   const keys = [{ key: 'a', maxAgeMs: 60_000 }]
 *   const seen = await store.update(keys, ([a = []]) => ({ hits: [[...a, Date.now()]], result: a.length }))
 */
export interface ThrottleStore {
  /** Reads the hits of `keys`, stores the lists `decide` returns (an empty list removes the key), returns its result. */
  update<T>(keys: readonly ThrottleKey[], decide: (hits: number[][]) => { hits: number[][]; result: T }): Promise<T>
}

/**
 * One process's counters, at most `maxKeys` of them: the least recently used key goes first. Refused attempts
 * create no keys, so an address can add at most `maxFailuresPerAddress` keys per window.
 */
export class MemoryThrottleStore implements ThrottleStore {
  private readonly hits = new Map<string, number[]>()

  constructor(private readonly maxKeys = 100_000) {}

  get size(): number {
    return this.hits.size
  }

  async update<T>(
    keys: readonly ThrottleKey[],
    decide: (hits: number[][]) => { hits: number[][]; result: T },
  ): Promise<T> {
    const { hits, result } = decide(keys.map((k) => this.hits.get(k.key) ?? []))
    keys.forEach(({ key }, i) => {
      const list = hits[i] ?? []
      // Re-inserted at the end: Map order is the LRU order.
      this.hits.delete(key)
      if (list.length > 0) this.hits.set(key, list)
    })
    for (const key of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break
      this.hits.delete(key)
    }
    return result
  }
}

/** An attempt that was let through; hand it back to `succeeded` or `withdraw`. */
export interface Attempt {
  readonly keys: readonly ThrottleKey[]
  readonly at: number
}

export class LoginThrottle {
  constructor(
    private readonly store: ThrottleStore = new MemoryThrottleStore(),
    private readonly limits: LoginLimits = defaultLoginLimits,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts an attempt of `account` from `address` unless a budget is spent: the attempt, or the seconds to wait. */
  async begin(account: string, address: string): Promise<{ attempt: Attempt } | { retryAfter: number }> {
    const l = this.limits
    const at = this.now()
    const keys = [
      { key: `pair:${account}\n${address}`, maxAgeMs: l.windowMs },
      { key: `addr:${address}`, maxAgeMs: l.windowMs },
      { key: `acct:${account}`, maxAgeMs: l.windowMs },
      { key: `known:${account}\n${address}`, maxAgeMs: l.rememberMs },
    ]
    const result = await this.store.update(keys, (lists) => {
      const [pairHits, addrHits, acctHits, known] = lists.map((list, i) =>
        list.filter((t) => t > at - (keys[i]?.maxAgeMs ?? 0)),
      ) as [number[], number[], number[], number[]]
      let wait = 0
      if (pairHits.length >= l.maxFailures) wait = Math.max(wait, (pairHits[0] ?? at) + l.windowMs - at)
      if (addrHits.length >= l.maxFailuresPerAddress) wait = Math.max(wait, (addrHits[0] ?? at) + l.windowMs - at)
      const beyond = acctHits.length - l.accountFreeFailures
      if (beyond >= 0 && known.length === 0) {
        const delay = Math.min(1000 * 2 ** beyond, l.maxDelayMs)
        wait = Math.max(wait, (acctHits[acctHits.length - 1] ?? at) + delay - at)
      }
      if (wait > 0) return { hits: [pairHits, addrHits, acctHits, known], result: wait }
      const keep = (list: number[], n: number) => [...list, at].slice(-n)
      return {
        hits: [
          keep(pairHits, l.maxFailures),
          keep(addrHits, l.maxFailuresPerAddress),
          // Enough to tell every step of the delay apart.
          keep(acctHits, l.accountFreeFailures + Math.ceil(Math.log2(l.maxDelayMs / 1000)) + 1),
          known,
        ],
        result: 0,
      }
    })
    return result > 0 ? { retryAfter: Math.max(1, Math.ceil(result / 1000)) } : { attempt: { keys, at } }
  }

  /** The password was right: the attempt was no failure; the pair starts afresh and is remembered. */
  async succeeded(attempt: Attempt): Promise<void> {
    await this.store.update(attempt.keys, ([, addr = [], acct = []]) => ({
      hits: [[], without(addr, attempt.at), without(acct, attempt.at), [this.now()]],
      result: undefined,
    }))
  }

  /** The password was never checked (the server was busy): take the attempt back. */
  async withdraw(attempt: Attempt): Promise<void> {
    await this.store.update(attempt.keys, ([pair = [], addr = [], acct = [], known = []]) => ({
      hits: [without(pair, attempt.at), without(addr, attempt.at), without(acct, attempt.at), known],
      result: undefined,
    }))
  }
}

/** The list without one occurrence of `at`. */
function without(list: number[], at: number): number[] {
  const i = list.lastIndexOf(at)
  return i < 0 ? list : [...list.slice(0, i), ...list.slice(i + 1)]
}
