// The one way a version comes to be (the Create Model form's first version, a new version, a Hub commit, an MLflow
// registration):
// the row in the default stage, that stage's first transition, the model row's summary and the event.
import { defaults } from '@modelreg/contract'
import type { VersionInput } from '../domain/version-input.js'
import type { VersionNumber } from '../domain/version-number.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { refreshModelSummary, type SummaryUses } from './model-summary.js'
import type { Actor } from './service-deps.js'
import { appendEvent, type EventUses } from './version-events.js'

/** The repositories this module uses (its named dependencies). */
export type InsertUses = 'stageTransitions' | 'versions' | SummaryUses | EventUses

/** Inserts a version of `model` inside the caller's transaction; the caller has checked access and the number. */
export async function insertVersion(
  repos: RepositoriesOf<InsertUses>,
  model: ModelRecord,
  actor: Actor,
  number: VersionNumber,
  input: VersionInput,
  now: string,
  opts: { runId?: string | null; sourceUri?: string | null; event?: Record<string, unknown> } = {},
): Promise<VersionRecord> {
  const version = await repos.versions.insert({
    modelId: model.id,
    number,
    ...input,
    stage: defaults.stage,
    createdBy: actor.username,
    now,
    ...(opts.runId !== undefined && { runId: opts.runId }),
    ...(opts.sourceUri !== undefined && { sourceUri: opts.sourceUri }),
  })
  await repos.stageTransitions.insert(
    {
      versionId: version.id,
      modelId: model.id,
      from: null,
      to: defaults.stage,
      actor: actor.username,
      comment: '',
      at: now,
    },
    version.version,
  )
  await refreshModelSummary(repos, model, { versionDelta: 1, now })
  await appendEvent(repos, model, version, actor, now, 'version.created', opts.event ?? {})
  return version
}
