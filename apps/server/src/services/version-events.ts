// The events a model or version change records (events table: audit, stage history, analytics and webhooks read it),
// written by the caller inside the transaction of the change.
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import type { Actor } from './service-deps.js'

/** The repositories this module uses (its named dependencies). */
export type EventUses = 'events'

export function appendEvent(
  repos: RepositoriesOf<EventUses>,
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

/** A change to the model itself (rename, description, fields, tags): a `model.updated` event with no version. */
export function appendModelEvent(
  repos: RepositoriesOf<EventUses>,
  model: Pick<ModelRecord, 'id' | 'org' | 'name'>,
  actor: Actor,
  at: string,
  changes: Record<string, unknown>,
): Promise<void> {
  return repos.events.append({
    modelId: model.id,
    org: model.org,
    modelName: model.name,
    version: null,
    type: 'model.updated',
    actor: actor.username,
    at,
    data: { changes },
  })
}
