// Runs a piece of periodic work on an unref'd timer (it never keeps the process alive), one run at a time, and,
// given a lease, only on the replica that holds it: every replica ticks, the holder renews and works, the others
// wait until it lets go or dies (its lease expires).
import type { LeaseService } from './lease.service.js'

export interface PeriodicLease {
  leases: LeaseService
  /** The lease's name: one per kind of work ('upload-sweep'). */
  name: string
  /** How long one acquisition lasts; longer than everyMs, so the holder renews it before it lapses. */
  ttlMs: number
}

export interface PeriodicWork {
  /** One tick now: acquires or renews the lease, then works if held. Resolves to whether the work ran. */
  runOnce(): Promise<boolean>
  /** Stops the timer, waits for a running tick and gives the lease up. */
  stop(): Promise<void>
}

export function startPeriodicWork(opts: {
  everyMs: number
  work: () => Promise<unknown>
  onError: (err: unknown) => void
  lease?: PeriodicLease
}): PeriodicWork {
  const { lease } = opts
  let running: Promise<boolean> | undefined
  const runOnce = () => {
    running ??= (async () => {
      if (lease && !(await lease.leases.acquire(lease.name, lease.ttlMs))) return false
      await opts.work()
      return true
    })()
      .catch((err: unknown) => {
        opts.onError(err)
        return false
      })
      .finally(() => {
        running = undefined
      })
    return running
  }
  const timer = setInterval(runOnce, opts.everyMs)
  timer.unref()
  return {
    runOnce,
    stop: async () => {
      clearInterval(timer)
      await running
      if (lease?.leases.holds(lease.name)) await lease.leases.release(lease.name).catch(opts.onError)
    },
  }
}
