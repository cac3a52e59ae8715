// Password hashing with a bound on how many hashes run at once. scrypt runs on libuv's thread pool, which file
// reads and writes share: with the bound below the pool's size, a flood of sign-ins leaves threads for file I/O.
// Hashes over the bound wait in a short queue; past that the caller is told to come back (503, Retry-After).
import { DomainError } from '../errors.js'

export interface PasswordHashing {
  hash(password: string): Promise<string>
  verify(password: string, stored: string): Promise<boolean>
}

export class PasswordHasher {
  private running = 0
  private readonly waiting: (() => void)[] = []

  constructor(
    private readonly hashing: PasswordHashing,
    private readonly opts: { concurrency: number; maxWaiting: number } = { concurrency: 2, maxWaiting: 64 },
  ) {}

  /** Hashes running now and waiting for a turn (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length }
  }

  hash(password: string): Promise<string> {
    return this.limited(() => this.hashing.hash(password))
  }

  verify(password: string, stored: string): Promise<boolean> {
    return this.limited(() => this.hashing.verify(password, stored))
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.opts.concurrency) {
      if (this.waiting.length >= this.opts.maxWaiting) {
        throw new DomainError('UNAVAILABLE', 'too many sign-ins at once; try again in 1 s', { retryAfter: 1 })
      }
      // The finishing hash hands its slot over directly (running stays counted), so no newcomer can overtake.
      await new Promise<void>((resolve) => this.waiting.push(resolve))
    } else {
      this.running++
    }
    try {
      return await work()
    } finally {
      const next = this.waiting.shift()
      if (next) next()
      else this.running--
    }
  }
}
