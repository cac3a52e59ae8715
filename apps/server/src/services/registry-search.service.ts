// Searches and views of the registry as MLflow's registry API reads them: models and versions of one
// organisation matched by clauses, with their key/value tags, aliases and latest version per stage. Visibility is
// the native rule (repositories/visibility.ts, services/access.ts).
import { NotFoundError } from '../errors.js'
import type { KeyTag } from '../repositories/key-tag.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { SearchClause, SearchOrder } from '../repositories/registry-search.repository.js'
import { stagePrecedence } from '../repositories/version.repository.js'
import { readableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import type { ModelVersion } from './version-resolver.js'

export interface SearchRequest {
  clauses: SearchClause[]
  order: SearchOrder[]
  offset: number
  limit: number
}

export interface ModelView {
  tags: KeyTag[]
  /** Alias names with the sequence number of the version each points to. */
  aliases: { alias: string; sequence: number }[]
  /** The highest-numbered version in each stage that has one. */
  latestPerStage: VersionRecord[]
}

export interface VersionView {
  tags: KeyTag[]
  aliases: string[]
}

export class RegistrySearchService {
  constructor(private readonly deps: ServiceDeps) {}

  async searchModels(actor: Actor, org: string, q: SearchRequest): Promise<ModelRecord[]> {
    const repos = this.deps.store.read
    const orgId = await this.orgId(org)
    const ids = await repos.registrySearch.searchModels({ viewer: actor, orgId, ...q })
    const models = await Promise.all(ids.map((id) => repos.models.findById(id)))
    return models.filter((m): m is ModelRecord => m !== undefined)
  }

  async searchVersions(actor: Actor, org: string, q: SearchRequest): Promise<ModelVersion[]> {
    const repos = this.deps.store.read
    const orgId = await this.orgId(org)
    const ids = await repos.registrySearch.searchVersions({ viewer: actor, orgId, ...q })
    const versions = await repos.versions.findByIds(ids)
    const models = new Map<number, ModelRecord | undefined>()
    const out: ModelVersion[] = []
    for (const id of ids) {
      const version = versions.get(id)
      if (!version) continue
      if (!models.has(version.modelId)) models.set(version.modelId, await repos.models.findById(version.modelId))
      const model = models.get(version.modelId)
      if (model) out.push({ model, version })
    }
    return out
  }

  /** Tags, aliases and latest version per stage of models the caller already may read. */
  async modelViews(models: ModelRecord[]): Promise<Map<number, ModelView>> {
    const repos = this.deps.store.read
    const ids = models.map((m) => m.id)
    const tags = await repos.keyTags.ofModels(ids)
    const rows = await repos.registrySearch.versionsOfModels(ids)
    const latestIds: number[] = []
    const seen = new Set<string>()
    for (const r of rows) {
      const key = `${r.modelId}/${r.stage}`
      if (seen.has(key)) continue
      seen.add(key)
      latestIds.push(r.id)
    }
    const latest = await repos.versions.findByIds(latestIds)
    const out = new Map<number, ModelView>()
    for (const m of models) {
      const perStage = stagePrecedence
        .map((stage) => [...latest.values()].find((v) => v.modelId === m.id && v.stage === stage))
        .filter((v): v is VersionRecord => v !== undefined)
      const aliases = await repos.aliases.list(m.id)
      const targets = await repos.versions.findByIds([...new Set(aliases.map((a) => a.versionId))])
      out.set(m.id, {
        tags: tags.get(m.id) ?? [],
        aliases: aliases.map((a) => ({ alias: a.name, sequence: targets.get(a.versionId)?.sequence ?? 0 })),
        latestPerStage: perStage,
      })
    }
    return out
  }

  /** Tags and alias names of versions the caller already may read. */
  async versionViews(versions: VersionRecord[]): Promise<Map<number, VersionView>> {
    const repos = this.deps.store.read
    const tags = await repos.keyTags.ofVersions(versions.map((v) => v.id))
    const out = new Map<number, VersionView>()
    for (const v of versions) {
      const aliases = await repos.aliases.listForVersion(v.id)
      out.set(v.id, { tags: tags.get(v.id) ?? [], aliases: aliases.map((a) => a.name) })
    }
    return out
  }

  /** The highest-numbered version in each of `stages` (every stage when none are named). */
  async latestInStages(actor: Actor, org: string, name: string, stages: string[]): Promise<ModelVersion[]> {
    const repos = this.deps.store.read
    const model = await readableModel(repos, actor, org, name)
    const view = (await this.modelViews([model])).get(model.id)
    const wanted = stages.length === 0 ? undefined : new Set(stages)
    return (view?.latestPerStage ?? [])
      .filter((v) => wanted === undefined || wanted.has(v.stage))
      .map((version) => ({ model, version }))
  }

  private async orgId(org: string): Promise<string> {
    const organisation = await this.deps.store.read.organisations.findByName(org)
    if (!organisation) throw new NotFoundError(`organisation "${org}" not found`, { org })
    return organisation.id
  }
}
