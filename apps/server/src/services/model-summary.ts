// Keeps a model's row in step with its versions: latest version, top stage, version count and the search text.
import type { ModelRecord } from '../repositories/records.js'
import type { Repositories } from '../repositories/repositories.js'

export async function refreshModelSummary(
  repos: Repositories,
  model: ModelRecord,
  opts: { versionDelta: number; now: string },
): Promise<void> {
  const latest = await repos.versions.findLatest(model.id)
  const searchText = [model.name, latest?.description ?? '', ...(latest?.tags ?? [])].join(' ').slice(0, 20_000)
  const topStage = (await repos.versions.findTopStage(model.id)) ?? null
  await repos.models.setSummary(model.id, {
    latestVersionId: latest?.id ?? null,
    topStage,
    versionDelta: opts.versionDelta,
    searchText,
    now: opts.now,
  })
}
