// Works off the webhook outbox: at least once, in order per webhook and model, on the one replica holding the
// 'webhook-delivery' lease. A delivery stays pending until an attempt's outcome is recorded, so a restart or a
// replica's death only means it is sent again (receivers deduplicate on X-Modelreg-Delivery).
import { setMaxListeners } from 'node:events'
import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WEBHOOK_SIGNATURE_HEADER } from '@modelreg/contract'
import { signatureHeader } from '../domain/webhook-signature.js'
import type { Store } from '../repositories/repositories.js'
import type { DeliveryRecord, WebhookRecord } from '../repositories/webhook.repository.js'
import type { LeaseService } from './lease.service.js'
import { type PeriodicWork, startPeriodicWork } from './periodic-work.js'
import { type SendResult, sendWebhook } from './webhook-sender.js'

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
  /** Deliveries sent at once (default 16); never two of one line. */
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
  }

  /** Sends what is due now, and what becomes due by succeeding, until nothing is left; ignores the lease. */
  async drain(): Promise<void> {
    while (!this.controller.signal.aborted && (await this.runOnce()) > 0) {}
  }

  /** One batch: the first due delivery of each line (up to the concurrency), sent. Resolves to how many. */
  async runOnce(): Promise<number> {
    const store = this.opts.store
    const due = await store.read.webhooks.due(this.now(), this.opts.concurrency ?? 16)
    if (due.length === 0) return 0
    const hooks = new Map<string, WebhookRecord | undefined>()
    for (const d of due) {
      if (!hooks.has(d.webhookId)) hooks.set(d.webhookId, await store.read.webhooks.findById(d.webhookId))
    }
    await Promise.all(
      due.map(async (d) => {
        const hook = hooks.get(d.webhookId)
        if (hook) await this.attempt(hook, d)
      }),
    )
    return due.length
  }

  private async drainHeld(): Promise<void> {
    const leases = this.opts.leases
    while (!this.controller.signal.aborted && (await this.runOnce()) > 0) {
      // Long backlogs: renew the lease between batches, and stop if another replica took over.
      if (leases && !(await leases.acquire(WEBHOOK_LEASE, this.leaseTtlMs))) return
    }
  }

  private async attempt(hook: WebhookRecord, d: DeliveryRecord): Promise<void> {
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
      },
    )
    // Stopped mid-attempt (shutdown): record nothing, the delivery stays pending and is sent after the restart.
    if (this.controller.signal.aborted) return
    await this.record(hook, d, result, startedAt)
  }

  private async record(hook: WebhookRecord, d: DeliveryRecord, r: SendResult, startedAt: number): Promise<void> {
    const succeeded = r.status !== null && r.status >= 200 && r.status < 300
    const attempt = d.attempts + 1
    const firstAttemptAt = d.firstAttemptAt ?? startedAt
    const delay = this.delays[attempt - 1]
    const status = succeeded ? 'succeeded' : delay === undefined ? 'failed' : 'pending'
    const now = this.now()
    await this.opts.store.transaction(async (repos) => {
      await repos.webhooks.recordAttempt(
        d,
        {
          attempt,
          at: new Date(startedAt).toISOString(),
          succeeded,
          responseStatus: r.status,
          durationMs: r.durationMs,
          error: r.error ?? (succeeded ? null : `HTTP ${r.status}`),
          responseExcerpt: r.excerpt,
        },
        { status, nextAttemptAt: status === 'pending' ? now + (delay ?? 0) : now, firstAttemptAt },
      )
      if (succeeded) await repos.webhooks.markSuccess(hook.id, now)
      // Given up, and nothing reached this webhook during the whole retry period: it keeps failing, so stop it.
      if (status === 'failed' && (hook.lastSuccessAt ?? 0) < firstAttemptAt) {
        const current = await repos.webhooks.findById(hook.id)
        if (current?.enabled && (current.lastSuccessAt ?? 0) < firstAttemptAt) {
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
    })
  }
}

/** A duration as people read it: 45 s, 12 min, 15 h. */
function span(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`
  return `${Math.round(ms / 3_600_000)} h`
}
