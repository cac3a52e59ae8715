import type { AuditQuery } from '@modelreg/contract'
import { parseModelRef } from '../domain/names.js'
import { type AccessUses, findModel } from './access.js'
import { requireSiteAdmin } from './identity.service.js'
import type { Actor, ServiceDeps } from './service-deps.js'

export interface AuditEntry {
  type: string
  actor: string
  at: string
  model: string | null
  version: string | null
  ip: string | null
  data: Record<string, unknown>
}

/** The repositories this module uses (its named dependencies). */
type Uses = 'audit' | 'events' | AccessUses

/** The audit trail for site admins: every change to models (the event log) and every sign-in and token event. */
export class AuditService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async list(actor: Actor, q: AuditQuery): Promise<AuditEntry[]> {
    requireSiteAdmin(actor)
    const repos = this.deps.store.pool
    const limit = q.limit ?? 100
    const from = q.from && new Date(q.from).toISOString()
    const to = q.to && new Date(q.to).toISOString()
    let modelId: number | undefined
    if (q.model !== undefined) {
      const ref = parseModelRef(q.model)
      modelId = (await findModel(repos, ref.org, ref.name)).id
    }
    const events = await repos.events.listFiltered({ modelId, actor: q.actor, from, to, limit })
    const auth = modelId === undefined ? await repos.audit.list({ actor: q.actor, from, to, limit }) : []
    return [
      ...events.map((e) => ({
        type: e.type,
        actor: e.actor,
        at: e.at,
        model: e.model,
        version: e.version,
        ip: null,
        data: e.data,
      })),
      ...auth.map((a) => ({
        type: a.type,
        actor: a.actor,
        at: a.at,
        model: null,
        version: null,
        ip: a.ip,
        data: a.data,
      })),
    ]
      .sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
      .slice(0, limit)
  }
}
