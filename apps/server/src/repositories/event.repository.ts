import type { EventType } from '@modelreg/contract'
import type { Kysely, Selectable } from 'kysely'
import { fromJson, toIso } from '../db/database.js'
import type { Database, EventTable } from '../db/schema.js'
import { decodeCursor, encodeCursor } from '../domain/cursor.js'
import type { EventRecord, Page } from './records.js'

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

/** The append-only event log, written in the same transaction as the change it records. */
export class EventRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(e: NewEvent): Promise<void> {
    await this.db
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
      .execute()
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
