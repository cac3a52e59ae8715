// Webhooks, their outbox of deliveries and the attempts log (0010-webhooks). Times the worker schedules by are ms
// since the epoch (bigint on both dialects); times people read are ISO timestamps.
import type { DeliveryStatus, EventType } from '@modelreg/contract'
import type { Kysely, Selectable } from 'kysely'
import { toIso } from '../db/database.js'
import type { Database, WebhookDeliveryTable, WebhookTable } from '../db/schema.js'
import { decodeCursor, encodeCursor } from '../domain/cursor.js'
import type { Page } from './records.js'

export interface WebhookRecord {
  id: string
  orgId: string
  org: string
  modelId: number | null
  modelName: string | null
  url: string
  events: EventType[]
  description: string
  secret: string
  previousSecret: string | null
  previousSecretUntil: number | null
  enabled: boolean
  disabledReason: string | null
  lastSuccessAt: number | null
  createdBy: string
  createdAt: string
  updatedAt: string
}

export interface DeliveryRecord {
  /** Place in line (internal). */
  seq: number
  id: string
  webhookId: string
  eventId: number | null
  eventType: string
  modelId: number
  model: string | null
  payload: string
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: number
  firstAttemptAt: number | null
  createdAt: string
}

export interface AttemptRecord {
  attempt: number
  at: string
  succeeded: boolean
  responseStatus: number | null
  durationMs: number
  error: string | null
  responseExcerpt: string | null
}

export type NewWebhook = Omit<WebhookRecord, 'org' | 'lastSuccessAt' | 'previousSecret' | 'previousSecretUntil'>
export type WebhookChanges = Partial<
  Pick<
    WebhookRecord,
    | 'url'
    | 'events'
    | 'modelId'
    | 'modelName'
    | 'description'
    | 'enabled'
    | 'disabledReason'
    | 'secret'
    | 'previousSecret'
    | 'previousSecretUntil'
  >
> & { updatedAt: string }

export interface NewDelivery {
  id: string
  webhookId: string
  eventId: number | null
  eventType: string
  modelId: number
  model: string | null
  payload: string
  nextAttemptAt: number
  createdAt: string
}

export class WebhookRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(w: NewWebhook): Promise<void> {
    await this.db
      .insertInto('webhooks')
      .values({
        id: w.id,
        org_id: w.orgId,
        model_id: w.modelId,
        model_name: w.modelName,
        url: w.url,
        events: JSON.stringify(w.events),
        description: w.description,
        secret: w.secret,
        previous_secret: null,
        previous_secret_until: null,
        enabled: w.enabled ? 1 : 0,
        disabled_reason: w.disabledReason,
        last_success_at: null,
        created_by: w.createdBy,
        created_at: w.createdAt,
        updated_at: w.updatedAt,
      })
      .execute()
  }

  private select() {
    return this.db
      .selectFrom('webhooks as w')
      .innerJoin('organisations as o', 'o.id', 'w.org_id')
      .selectAll('w')
      .select('o.name as org')
  }

  async find(orgId: string, id: string): Promise<WebhookRecord | undefined> {
    const row = await this.select().where('w.org_id', '=', orgId).where('w.id', '=', id).executeTakeFirst()
    return row && toWebhook(row)
  }

  async findById(id: string): Promise<WebhookRecord | undefined> {
    const row = await this.select().where('w.id', '=', id).executeTakeFirst()
    return row && toWebhook(row)
  }

  /** The webhooks of these ids that exist (the worker's batch), in no particular order. */
  async findByIds(ids: readonly string[]): Promise<WebhookRecord[]> {
    if (ids.length === 0) return []
    const rows = await this.select().where('w.id', 'in', ids).execute()
    return rows.map(toWebhook)
  }

  async list(orgId: string): Promise<WebhookRecord[]> {
    const rows = await this.select().where('w.org_id', '=', orgId).orderBy('w.created_at').orderBy('w.id').execute()
    return rows.map(toWebhook)
  }

  /** The enabled webhooks of an organisation (by name) that want this event. */
  async subscribers(org: string, modelId: number | null, type: EventType): Promise<WebhookRecord[]> {
    const rows = await this.select().where('o.name', '=', org).where('w.enabled', '=', 1).execute()
    return rows
      .map(toWebhook)
      .filter(
        (w) => (w.modelId === null || w.modelId === modelId) && (w.events.length === 0 || w.events.includes(type)),
      )
  }

  async update(id: string, c: WebhookChanges): Promise<void> {
    await this.db
      .updateTable('webhooks')
      .set({
        updated_at: c.updatedAt,
        ...(c.url !== undefined && { url: c.url }),
        ...(c.events !== undefined && { events: JSON.stringify(c.events) }),
        ...(c.modelId !== undefined && { model_id: c.modelId }),
        ...(c.modelName !== undefined && { model_name: c.modelName }),
        ...(c.description !== undefined && { description: c.description }),
        ...(c.enabled !== undefined && { enabled: c.enabled ? 1 : 0 }),
        ...(c.disabledReason !== undefined && { disabled_reason: c.disabledReason }),
        ...(c.secret !== undefined && { secret: c.secret }),
        ...(c.previousSecret !== undefined && { previous_secret: c.previousSecret }),
        ...(c.previousSecretUntil !== undefined && { previous_secret_until: c.previousSecretUntil }),
      })
      .where('id', '=', id)
      .execute()
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('webhooks').where('id', '=', id).execute()
  }

  async enqueue(deliveries: readonly NewDelivery[]): Promise<void> {
    if (deliveries.length === 0) return
    await this.db
      .insertInto('webhook_deliveries')
      .values(
        deliveries.map((d) => ({
          delivery_id: d.id,
          webhook_id: d.webhookId,
          event_id: d.eventId,
          event_type: d.eventType,
          model_id: d.modelId,
          model: d.model,
          payload: d.payload,
          status: 'pending',
          attempts: 0,
          next_attempt_at: d.nextAttemptAt,
          first_attempt_at: null,
          created_at: d.createdAt,
        })),
      )
      .execute()
  }

  /**
   * Deliveries to send now: pending, due, to an enabled webhook, and first in their line (no earlier pending delivery
   * to the same webhook about the same model), oldest first.
   */
  async due(now: number, limit: number): Promise<DeliveryRecord[]> {
    const rows = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .selectAll('d')
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where('w.enabled', '=', 1)
      // The head of each line: one pass over the pending part of (status, webhook_id, model_id, id), where a
      // correlated "no earlier pending" probe per pending row made the claim grow with the backlog.
      .where('d.id', 'in', (eb) =>
        eb
          .selectFrom('webhook_deliveries')
          .select((e) => e.fn.min<number>('id').as('head'))
          .where('status', '=', 'pending')
          .groupBy(['webhook_id', 'model_id']),
      )
      .orderBy('d.id')
      .limit(limit)
      .execute()
    return rows.map(toDelivery)
  }

  /** When the earliest pending delivery to an enabled webhook is due (ms), if any. */
  async nextDue(): Promise<number | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select((eb) => eb.fn.min('d.next_attempt_at').as('next'))
      .where('d.status', '=', 'pending')
      .where('w.enabled', '=', 1)
      .executeTakeFirst()
    return row?.next === null || row?.next === undefined ? undefined : Number(row.next)
  }

  async findDelivery(webhookId: string, id: string): Promise<DeliveryRecord | undefined> {
    const row = await this.db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .where('delivery_id', '=', id)
      .executeTakeFirst()
    return row && toDelivery(row)
  }

  /** Records one attempt and the delivery's new state, together. */
  /**
   * The outcomes of one batch of attempts in a few statements whatever its size (on PostgreSQL each statement is a
   * round trip): one insert of every attempt, one update per distinct next step of the deliveries, one update of
   * the webhooks that were reached. A delivery's first attempt time is kept, or set to `firstAttemptAt`.
   */
  async recordAttempts(
    outcomes: readonly {
      delivery: DeliveryRecord
      attempt: AttemptRecord
      status: DeliveryStatus
      nextAttemptAt: number
    }[],
    c: { firstAttemptAt: number; reachedWebhookIds: readonly string[]; reachedAt: number },
  ): Promise<void> {
    if (outcomes.length === 0) return
    await this.db
      .insertInto('webhook_attempts')
      .values(
        outcomes.map(({ delivery, attempt: a }) => ({
          delivery_id: delivery.seq,
          attempt: a.attempt,
          at: a.at,
          succeeded: a.succeeded ? 1 : 0,
          response_status: a.responseStatus,
          duration_ms: a.durationMs,
          error: a.error,
          response_excerpt: a.responseExcerpt,
        })),
      )
      .execute()
    const steps = new Map<string, { status: DeliveryStatus; attempts: number; nextAttemptAt: number; ids: number[] }>()
    for (const o of outcomes) {
      const key = `${o.status} ${o.attempt.attempt} ${o.nextAttemptAt}`
      const step = steps.get(key) ?? {
        status: o.status,
        attempts: o.attempt.attempt,
        nextAttemptAt: o.nextAttemptAt,
        ids: [],
      }
      step.ids.push(o.delivery.seq)
      steps.set(key, step)
    }
    for (const step of steps.values()) {
      await this.db
        .updateTable('webhook_deliveries')
        .set((eb) => ({
          status: step.status,
          attempts: step.attempts,
          next_attempt_at: step.nextAttemptAt,
          first_attempt_at: eb.fn.coalesce('first_attempt_at', eb.val(c.firstAttemptAt)),
        }))
        .where('id', 'in', step.ids)
        .execute()
    }
    if (c.reachedWebhookIds.length > 0) {
      await this.db
        .updateTable('webhooks')
        .set({ last_success_at: c.reachedAt })
        .where('id', 'in', c.reachedWebhookIds)
        .execute()
    }
  }

  /** Sends a delivery again (same id and body): pending, due now, a fresh retry period. */
  async requeue(seq: number, now: number): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', next_attempt_at: now, first_attempt_at: null })
      .where('id', '=', seq)
      .execute()
  }

  /** Newest first; keyset on the delivery's place in line; each with its attempts, oldest first. */
  async listDeliveries(
    webhookId: string,
    f: { status?: DeliveryStatus; limit: number; cursor?: string },
  ): Promise<Page<DeliveryRecord & { log: AttemptRecord[] }>> {
    let q = this.db.selectFrom('webhook_deliveries').selectAll().where('webhook_id', '=', webhookId)
    if (f.status !== undefined) q = q.where('status', '=', f.status)
    if (f.cursor !== undefined) {
      const [id] = decodeCursor(f.cursor, ['number'])
      q = q.where('id', '<', Number(id))
    }
    const rows = await q
      .orderBy('id', 'desc')
      .limit(f.limit + 1)
      .execute()
    const page = rows.slice(0, f.limit).map(toDelivery)
    const last = rows.length > f.limit ? page[page.length - 1] : undefined
    const attempts =
      page.length === 0
        ? []
        : await this.db
            .selectFrom('webhook_attempts')
            .selectAll()
            .where(
              'delivery_id',
              'in',
              page.map((d) => d.seq),
            )
            .orderBy('id')
            .execute()
    const log = new Map<number, AttemptRecord[]>()
    for (const a of attempts) {
      const list = log.get(Number(a.delivery_id)) ?? []
      list.push({
        attempt: a.attempt,
        at: toIso(a.at),
        succeeded: a.succeeded === 1,
        responseStatus: a.response_status,
        durationMs: a.duration_ms,
        error: a.error,
        responseExcerpt: a.response_excerpt,
      })
      log.set(Number(a.delivery_id), list)
    }
    return {
      items: page.map((d) => ({ ...d, log: log.get(d.seq) ?? [] })),
      nextCursor: last ? encodeCursor([last.seq]) : null,
    }
  }
}

function toWebhook(r: Selectable<WebhookTable> & { org: string }): WebhookRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    org: r.org,
    modelId: r.model_id === null ? null : Number(r.model_id),
    modelName: r.model_name,
    url: r.url,
    events: JSON.parse(r.events) as EventType[],
    description: r.description,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretUntil: r.previous_secret_until === null ? null : Number(r.previous_secret_until),
    enabled: r.enabled === 1,
    disabledReason: r.disabled_reason,
    lastSuccessAt: r.last_success_at === null ? null : Number(r.last_success_at),
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  }
}

function toDelivery(r: Selectable<WebhookDeliveryTable>): DeliveryRecord {
  return {
    seq: Number(r.id),
    id: r.delivery_id,
    webhookId: r.webhook_id,
    eventId: r.event_id === null ? null : Number(r.event_id),
    eventType: r.event_type,
    modelId: Number(r.model_id),
    model: r.model,
    payload: r.payload,
    status: r.status as DeliveryStatus,
    attempts: r.attempts,
    nextAttemptAt: Number(r.next_attempt_at),
    firstAttemptAt: r.first_attempt_at === null ? null : Number(r.first_attempt_at),
    createdAt: toIso(r.created_at),
  }
}
