import type { ListEventsQuery } from '@modelreg/contract'
import type { EventRecord, Page } from '../repositories/records.js'
import { type AccessUses, readableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'events' | AccessUses

export class EventService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async listForModel(actor: Actor, org: string, name: string, q: ListEventsQuery): Promise<Page<EventRecord>> {
    const model = await readableModel(this.deps.store.pool, actor, org, name)
    return this.deps.store.pool.events.listForModel(model.id, { type: q.type, limit: q.limit ?? 50, cursor: q.cursor })
  }
}
