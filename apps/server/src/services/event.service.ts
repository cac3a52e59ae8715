import type { ListEventsQuery } from '@modelreg/contract'
import type { EventRecord, Page } from '../repositories/records.js'
import { findModel } from './model.service.js'
import type { ServiceDeps } from './service-deps.js'

export class EventService {
  constructor(private readonly deps: ServiceDeps) {}

  async listForModel(org: string, name: string, q: ListEventsQuery): Promise<Page<EventRecord>> {
    const model = await findModel(this.deps.store.read, org, name)
    return this.deps.store.read.events.listForModel(model.id, { type: q.type, limit: q.limit ?? 50, cursor: q.cursor })
  }
}
