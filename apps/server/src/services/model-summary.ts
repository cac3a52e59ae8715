// Keeps a model's row in step with its versions: latest version and its status, top stage, version count and the
// search text.
import { modelSearchText } from '../domain/search-text.js'
import type { ModelRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'

/** The repositories this module uses (its named dependencies). */
export type SummaryUses = 'models' | 'versions'

export async function refreshModelSummary(
  repos: RepositoriesOf<SummaryUses>,
  model: ModelRecord,
  opts: { versionDelta: number; now: string },
): Promise<void> {
  const latest = await repos.versions.findLatest(model.id)
  const searchText = modelSearchText(model.name, latest)
  const topStage = (await repos.versions.findTopStage(model.id)) ?? null
  await repos.models.setSummary(model.id, {
    latestVersionId: latest?.id ?? null,
    latestStatus: latest?.status ?? null,
    topStage,
    versionDelta: opts.versionDelta,
    searchText,
    now: opts.now,
  })
}
