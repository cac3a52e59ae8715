// Work that must run on one replica at a time (sweeps, later webhook deliveries) asks for a lease by name. A lease
// lasts a while and is renewed by asking again; a replica that dies stops renewing and another takes over once it
// expires. Rows in the database on both dialects (on SQLite, one process: it simply always holds them).
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import type { LeaseRepository } from '../repositories/lease.repository.js'

/** This process's name in the leases table: host, pid and a random suffix (pids repeat across containers). */
export function replicaName(): string {
  return `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`
}

/**
 * @example
 * const leases = new LeaseService({ leases: new LeaseRepository(db.kysely), holder: replicaName() })
 * if (await leases.acquire('upload-sweep', 30 * 60_000)) await uploads.sweepExpired()
 */
export class LeaseService {
  private readonly held = new Set<string>()

  constructor(
    private readonly deps: {
      leases: LeaseRepository
      /** This replica's name (replicaName()). */
      holder: string
      /** ms since the epoch; tests pass a clock they move. */
      now?: () => number
    },
  ) {}

  get holder(): string {
    return this.deps.holder
  }

  /** Takes the lease for `ttlMs`, or renews it when this replica holds it; false while another replica does. */
  async acquire(name: string, ttlMs: number): Promise<boolean> {
    const now = (this.deps.now ?? Date.now)()
    const ok = await this.deps.leases.claim(name, this.deps.holder, now, now + ttlMs)
    if (ok) this.held.add(name)
    else this.held.delete(name)
    return ok
  }

  /** Gives the lease up (on shutdown), so another replica need not wait for it to expire. */
  async release(name: string): Promise<void> {
    this.held.delete(name)
    await this.deps.leases.release(name, this.deps.holder)
  }

  /** Whether this replica held the lease when it last asked (for metrics). */
  holds(name: string): boolean {
    return this.held.has(name)
  }

  /** Who holds the lease now, if anyone. */
  holderOf(name: string): Promise<string | undefined> {
    return this.deps.leases.holderOf(name, (this.deps.now ?? Date.now)())
  }
}
