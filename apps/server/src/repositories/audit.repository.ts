import type { Kysely } from 'kysely'
import { fromJson, toIso } from '../db/database.js'
import type { Database } from '../db/schema.js'

export interface AuditRecord {
  id: number
  type: string
  actor: string
  ip: string | null
  at: string
  data: Record<string, unknown>
}

/** Sign-ins, failed sign-ins and token lifecycle: what happens outside any model. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async append(e: Omit<AuditRecord, 'id'>): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({ type: e.type, actor: e.actor, ip: e.ip, at: e.at, data: JSON.stringify(e.data) })
      .execute()
  }

  async list(f: { actor?: string; from?: string; to?: string; limit: number }): Promise<AuditRecord[]> {
    let q = this.db.selectFrom('audit_log').selectAll()
    if (f.actor !== undefined) q = q.where('actor', '=', f.actor)
    if (f.from !== undefined) q = q.where('at', '>=', f.from)
    if (f.to !== undefined) q = q.where('at', '<', f.to)
    const rows = await q.orderBy('id', 'desc').limit(f.limit).execute()
    return rows.map((r) => ({
      id: Number(r.id),
      type: r.type,
      actor: r.actor,
      ip: r.ip,
      at: toIso(r.at),
      data: fromJson<Record<string, unknown>>(r.data),
    }))
  }
}
