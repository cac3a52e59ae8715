import { randomUUID } from 'node:crypto'
import type { EventType, WebhookPayload } from '@modelreg/contract'
import type { Kysely, Selectable } from 'kysely'
import { fromJson, toIso } from '../db/database.js'
import type { Database, EventTable } from '../db/schema.js'
import { decodeCursor, encodeCursor } from '../domain/cursor.js'
import type { EventRecord, Page } from './records.js'
import type { WebhookRepository } from './webhook.repository.js'

export interface NewEvent {
  modelId: number
  org: string
  modelName: string
  version: string | null
  type: EventType
  actor: string
  at: string
  data: Record<string, unknown>
}

/**
 * The append-only event log, written in the same transaction as the change it records. Every event passes here,
 * so this is where the webhook outbox is filled: one delivery per subscribed webhook, in the same transaction, so
 * there is no change without its deliveries and no delivery without its change.
 */
export class EventRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly outbox: { webhooks: WebhookRepository; queued: () => void },
  ) {}

  async append(e: NewEvent): Promise<void> {
    const row = await this.db
      .insertInto('events')
      .values({
        model_id: e.modelId,
        org: e.org,
        model_name: e.modelName,
        version: e.version,
        type: e.type,
        actor: e.actor,
        at: e.at,
        data: JSON.stringify(e.data),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const subscribers = await this.outbox.webhooks.subscribers(e.org, e.modelId, e.type)
    if (subscribers.length === 0) return
    await this.outbox.webhooks.enqueue(
      subscribers.map((w) => {
        const id = randomUUID()
        const payload: WebhookPayload = {
          id,
          type: e.type,
          eventId: Number(row.id),
          org: e.org,
          model: `${e.org}/${e.modelName}`,
          version: e.version,
          actor: e.actor,
          at: e.at,
          data: e.data,
        }
        return {
          id,
          webhookId: w.id,
          eventId: Number(row.id),
          eventType: e.type,
          modelId: e.modelId,
          model: payload.model,
          payload: JSON.stringify(payload),
          // Due at once; the worker's clock decides when retries are.
          nextAttemptAt: 0,
          createdAt: e.at,
        }
      }),
    )
    this.outbox.queued()
  }

  /** The audit view: newest first, filtered by model, actor and time. */
  async listFiltered(f: {
    modelId?: number
    actor?: string
    from?: string
    to?: string
    limit: number
  }): Promise<EventRecord[]> {
    let q = this.db.selectFrom('events').selectAll()
    if (f.modelId !== undefined) q = q.where('model_id', '=', f.modelId)
    if (f.actor !== undefined) q = q.where('actor', '=', f.actor)
    if (f.from !== undefined) q = q.where('at', '>=', f.from)
    if (f.to !== undefined) q = q.where('at', '<', f.to)
    const rows = await q.orderBy('id', 'desc').limit(f.limit).execute()
    return rows.map(toEvent)
  }

  /** Newest first; keyset on id. */
  async listForModel(
    modelId: number,
    f: { type?: string; limit: number; cursor?: string },
  ): Promise<Page<EventRecord>> {
    let q = this.db.selectFrom('events').selectAll().where('model_id', '=', modelId)
    if (f.type !== undefined) q = q.where('type', '=', f.type)
    if (f.cursor !== undefined) {
      const [id] = decodeCursor(f.cursor, ['number'])
      q = q.where('id', '<', Number(id))
    }
    const rows = await q
      .orderBy('id', 'desc')
      .limit(f.limit + 1)
      .execute()
    const last = rows.length > f.limit ? rows[f.limit - 1] : undefined
    return {
      items: rows.slice(0, f.limit).map(toEvent),
      nextCursor: last ? encodeCursor([Number(last.id)]) : null,
    }
  }
}

function toEvent(r: Selectable<EventTable>): EventRecord {
  return {
    id: Number(r.id),
    type: r.type as EventType,
    model: `${r.org}/${r.model_name}`,
    version: r.version,
    actor: r.actor,
    at: toIso(r.at),
    data: fromJson<Record<string, unknown>>(r.data),
  }
}
