// Failed sign-ins counted per account and per address in a sliding window; too many and the next attempt
// waits. An address gets a larger allowance (several people may share it). Kept in memory: one instance's
// view, which is what a brute-force attempt against it meets.
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>()

  constructor(
    private readonly limits = { account: 5, address: 20 },
    private readonly windowMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private limitOf(key: string): number {
    return key.startsWith('ip:') ? this.limits.address : this.limits.account
  }

  /** Seconds to wait before another attempt for any of these keys, or 0. */
  retryAfter(keys: string[]): number {
    const t = this.now()
    let wait = 0
    for (const key of keys) {
      const recent = (this.failures.get(key) ?? []).filter((at) => at > t - this.windowMs)
      this.failures.set(key, recent)
      if (recent.length >= this.limitOf(key))
        wait = Math.max(wait, Math.ceil(((recent[0] ?? t) + this.windowMs - t) / 1000))
    }
    return wait
  }

  fail(keys: string[]): void {
    const t = this.now()
    for (const key of keys) this.failures.set(key, [...(this.failures.get(key) ?? []), t].slice(-this.limitOf(key)))
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key)
  }
}
