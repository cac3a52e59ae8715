import type { ListEventsQuery } from '@modelreg/contract'
import type { EventRecord, Page } from '../repositories/records.js'
import { readableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'

export class EventService {
  constructor(private readonly deps: ServiceDeps) {}

  async listForModel(actor: Actor, org: string, name: string, q: ListEventsQuery): Promise<Page<EventRecord>> {
    const model = await readableModel(this.deps.store.read, actor, org, name)
    return this.deps.store.read.events.listForModel(model.id, { type: q.type, limit: q.limit ?? 50, cursor: q.cursor })
  }
}
