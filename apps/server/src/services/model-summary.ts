// Keeps a model's row in step with its versions: latest version, version count and the search text.
import type { ModelRecord } from '../repositories/records.js'
import type { Repositories } from '../repositories/repositories.js'

export async function refreshModelSummary(
  repos: Repositories,
  model: ModelRecord,
  opts: { versionDelta: number; now: string },
): Promise<void> {
  const latest = await repos.versions.findLatest(model.id)
  const searchText = [model.name, latest?.description ?? '', ...(latest?.tags ?? [])].join(' ').slice(0, 20_000)
  await repos.models.setSummary(model.id, {
    latestVersionId: latest?.id ?? null,
    versionDelta: opts.versionDelta,
    searchText,
    now: opts.now,
  })
}
