// The events a version change records (events table: audit, stage history, analytics and webhooks read it),
// written by the caller inside the transaction of the change.
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { Repositories } from '../repositories/repositories.js'
import type { Actor } from './service-deps.js'

export function appendEvent(
  repos: Repositories,
  model: ModelRecord,
  version: VersionRecord,
  actor: Actor,
  at: string,
  type: 'version.created' | 'version.updated' | 'version.deleted' | 'stage.changed',
  data: Record<string, unknown>,
): Promise<void> {
  return repos.events.append({
    modelId: model.id,
    org: model.org,
    modelName: model.name,
    version: version.version,
    type,
    actor: actor.username,
    at,
    data,
  })
}
