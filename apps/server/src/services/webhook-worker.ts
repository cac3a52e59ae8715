// Works off the webhook outbox: at least once, in order per webhook and model, on the one replica holding the
// 'webhook-delivery' lease. A delivery stays pending until an attempt's outcome is recorded, so a restart or a
// replica's death only means it is sent again (receivers deduplicate on X-Modelreg-Delivery).
import { setMaxListeners } from 'node:events'
import {
  type DeliveryStatus,
  WEBHOOK_DELIVERY_HEADER,
  WEBHOOK_EVENT_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from '@modelreg/contract'
import { signatureHeader } from '../domain/webhook-signature.js'
import type { RepositoriesOf, Store } from '../repositories/repositories.js'
import type { DeliveryRecord, WebhookRecord } from '../repositories/webhook.repository.js'
import type { LeaseService } from './lease.service.js'
import { type PeriodicWork, startPeriodicWork } from './periodic-work.js'
import { keepAliveAgents, type SendResult, sendWebhook } from './webhook-sender.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'audit' | 'webhooks'

/**
 * Waits after the 1st, 2nd… failed attempt: the first retry after 10 s, then three times longer each time up to
 * 6 h; after the last one the delivery is given up. 10 attempts over about 15 h (docs/webhooks.md).
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  10_000, 30_000, 90_000, 270_000, 810_000, 2_430_000, 7_290_000, 21_600_000, 21_600_000,
]

export interface WebhookWorkerOptions {
  store: Store
  /** Loopback, private and link-local receivers allowed (MODELREG_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean
  /** One replica at a time: the holder of the 'webhook-delivery' lease sends. Without it, this process does. */
  leases?: LeaseService
  /** ms since the epoch; tests pass a clock they move to make retries due. */
  now?: () => number
  retryDelaysMs?: readonly number[]
  /** Deadline of one attempt (default 10 s). */
  timeoutMs?: number
  /** Response bytes read at most (default 64 KiB). */
  maxResponseBytes?: number
  /** Deliveries sent at once, one batch (default 32); never two of one line. */
  concurrency?: number
  onError?: (err: unknown) => void
}

export const WEBHOOK_LEASE = 'webhook-delivery'

/**
 * @example
 * const worker = new WebhookWorker({ store, allowPrivate: false, leases })
 * worker.start(1000) // polls each second, and wakes at once when a transaction queues deliveries
 * await worker.drain() // tests: send everything due now
 */
export class WebhookWorker {
  private readonly now: () => number
  private readonly delays: readonly number[]
  private periodic?: PeriodicWork
  private unsubscribe?: () => void
  private wakeAgain = false
  private waking?: Promise<void>
  private readonly controller = new AbortController()
  private leaseTtlMs = 30_000
  /** Connections kept open to the receivers between deliveries (each opened through the address guard). */
  private readonly agents = keepAliveAgents()

  constructor(private readonly opts: WebhookWorkerOptions) {
    this.now = opts.now ?? Date.now
    this.delays = opts.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
    // Every attempt in flight listens for the stop: up to `concurrency` of them at once is expected.
    setMaxListeners(0, this.controller.signal)
  }

  /** Polls every `everyMs` and on every commit that queued deliveries. */
  start(everyMs: number): void {
    // The lease outlives three missed polls, and an attempt's whole deadline.
    this.leaseTtlMs = 3 * everyMs + 2 * (this.opts.timeoutMs ?? 10_000)
    this.periodic = startPeriodicWork({
      everyMs,
      work: () => this.drainHeld(),
      onError: (err) => this.opts.onError?.(err),
      ...(this.opts.leases && { lease: { leases: this.opts.leases, name: WEBHOOK_LEASE, ttlMs: this.leaseTtlMs } }),
    })
    this.unsubscribe = this.opts.store.onDeliveriesQueued(() => this.wake())
  }

  /** Runs a pass soon; a wake during a pass runs another after it, so nothing queued meanwhile waits for the poll. */
  wake(): void {
    if (!this.periodic) return
    if (this.waking) {
      this.wakeAgain = true
      return
    }
    this.waking = this.periodic
      .runOnce()
      .then(() => undefined)
      .finally(() => {
        this.waking = undefined
        if (this.wakeAgain) {
          this.wakeAgain = false
          this.wake()
        }
      })
  }

  /** Resolves once no pass woken by a commit is running (tests: the outcome of what arrived is recorded). */
  async idle(): Promise<void> {
    while (this.waking) await this.waking
  }

  /** Stops polling, aborts attempts in flight (they stay pending) and gives the lease up. */
  async stop(): Promise<void> {
    this.unsubscribe?.()
    this.controller.abort()
    await this.periodic?.stop()
    await this.waking
    this.agents.destroy()
  }

  /** Sends what is due now, and what becomes due by succeeding, until nothing is left; ignores the lease. */
  async drain(): Promise<void> {
    while (!this.controller.signal.aborted && (await this.runOnce()) > 0) {}
  }

  /**
   * One batch: the first due delivery of each line (up to the concurrency), sent at once, then every outcome
   * recorded in one transaction (on SQLite the worker shares the one connection with the requests, so a
   * transaction per attempt made a backlog outrun it). Resolves to how many were claimed.
   */
  async runOnce(): Promise<number> {
    const store = this.opts.store
    const due = await store.pool.webhooks.due(this.now(), this.opts.concurrency ?? 32)
    if (due.length === 0) return 0
    const hooks = new Map(
      (await store.pool.webhooks.findByIds([...new Set(due.map((d) => d.webhookId))])).map((h) => [h.id, h]),
    )
    const outcomes = await Promise.all(
      due.map(async (d) => {
        const hook = hooks.get(d.webhookId)
        return hook && this.attempt(hook, d)
      }),
    )
    // Nothing recorded stays pending and is sent again (a restart, a failed commit): at least once.
    const finished = outcomes.filter((o): o is Outcome => o !== undefined)
    if (finished.length > 0) await this.record(finished)
    return due.length
  }

  private async drainHeld(): Promise<void> {
    const leases = this.opts.leases
    while (!this.controller.signal.aborted && (await this.runOnce()) > 0) {
      // Long backlogs: renew the lease between batches, and stop if another replica took over.
      if (leases && !(await leases.acquire(WEBHOOK_LEASE, this.leaseTtlMs))) return
    }
  }

  /** Sends one delivery; undefined when the worker was stopped meanwhile (nothing is recorded, it stays pending). */
  private async attempt(hook: WebhookRecord, d: DeliveryRecord): Promise<Outcome | undefined> {
    const startedAt = this.now()
    const secrets = [hook.secret]
    if (hook.previousSecret !== null && (hook.previousSecretUntil ?? 0) > startedAt) secrets.push(hook.previousSecret)
    const result = await sendWebhook(
      hook.url,
      {
        [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(secrets, startedAt / 1000, d.payload),
        [WEBHOOK_EVENT_HEADER]: d.eventType,
        [WEBHOOK_DELIVERY_HEADER]: d.id,
        'user-agent': 'modelreg-webhooks',
      },
      d.payload,
      {
        allowPrivate: this.opts.allowPrivate,
        timeoutMs: this.opts.timeoutMs ?? 10_000,
        maxResponseBytes: this.opts.maxResponseBytes ?? 64 * 1024,
        signal: this.controller.signal,
        agents: this.agents,
      },
    )
    // Stopped mid-attempt (shutdown): record nothing, the delivery stays pending and is sent after the restart.
    if (this.controller.signal.aborted) return undefined
    return { hook, delivery: d, result, startedAt }
  }

  /**
   * The outcomes of one batch, in one transaction of a few statements: the attempts, the next step of each
   * delivery, the webhooks reached, then disabling a webhook that kept failing.
   */
  private async record(outcomes: readonly Outcome[]): Promise<void> {
    const now = this.now()
    const steps = outcomes.map((o) => {
      const ok = succeeded(o.result)
      const attempt = o.delivery.attempts + 1
      const delay = this.delays[attempt - 1]
      const status: DeliveryStatus = ok ? 'succeeded' : delay === undefined ? 'failed' : 'pending'
      return { o, ok, attempt, status, nextAttemptAt: status === 'pending' ? now + (delay ?? 0) : now }
    })
    await this.opts.store.transaction(async (repos) => {
      // Successes are written first: a give-up in the same batch never disables a webhook that was just reached.
      await repos.webhooks.recordAttempts(
        steps.map(({ o, ok, attempt, status, nextAttemptAt }) => ({
          delivery: o.delivery,
          attempt: {
            attempt,
            at: new Date(o.startedAt).toISOString(),
            succeeded: ok,
            responseStatus: o.result.status,
            durationMs: o.result.durationMs,
            error: o.result.error ?? (ok ? null : `HTTP ${o.result.status}`),
            responseExcerpt: o.result.excerpt,
          },
          status,
          nextAttemptAt,
        })),
        {
          firstAttemptAt: Math.min(...outcomes.map((o) => o.startedAt)),
          reachedWebhookIds: [...new Set(steps.filter((s) => s.ok).map((s) => s.o.hook.id))],
          reachedAt: now,
        },
      )
      for (const s of steps) {
        if (s.status === 'failed') await this.disableIfFailing(repos, s.o, s.attempt, now)
      }
    })
  }

  /** Given up, and nothing reached this webhook during the whole retry period: it keeps failing, so stop it. */
  private async disableIfFailing(repos: RepositoriesOf<Uses>, o: Outcome, attempt: number, now: number): Promise<void> {
    const { hook, delivery: d, result: r, startedAt } = o
    const firstAttemptAt = d.firstAttemptAt ?? startedAt
    if ((hook.lastSuccessAt ?? 0) >= firstAttemptAt) return
    const current = await repos.webhooks.findById(hook.id)
    if (!current?.enabled || (current.lastSuccessAt ?? 0) >= firstAttemptAt) return
    const last = r.status === null ? (r.error ?? 'no response') : `HTTP ${r.status}`
    const reason = `every delivery failed for ${span(now - firstAttemptAt)} (${attempt} attempts of delivery ${d.id}; last: ${last})`
    const at = new Date(now).toISOString()
    await repos.webhooks.update(hook.id, { enabled: false, disabledReason: reason, updatedAt: at })
    await repos.audit.append({
      type: 'webhook.disabled',
      actor: 'modelreg',
      ip: null,
      at,
      data: { org: hook.org, webhook: hook.id, url: hook.url, reason },
    })
  }
}

const succeeded = (r: SendResult) => r.status !== null && r.status >= 200 && r.status < 300

/** One finished attempt, waiting to be recorded with the rest of its batch. */
interface Outcome {
  hook: WebhookRecord
  delivery: DeliveryRecord
  result: SendResult
  startedAt: number
}

/** A duration as people read it: 45 s, 12 min, 15 h. */
function span(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`
  return `${Math.round(ms / 3_600_000)} h`
}
