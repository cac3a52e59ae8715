// Searches and views of the registry as MLflow's registry API reads them: models and versions of one
// organisation matched by clauses, with their key/value tags, aliases and latest version per stage. Visibility is
// the native rule (repositories/visibility.ts, services/access.ts).
import { NotFoundError } from '../errors.js'
import type { KeyTag } from '../repositories/key-tag.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { SearchClause, SearchOrder } from '../repositories/registry-search.repository.js'
import { stagePrecedence } from '../repositories/version.repository.js'
import { type AccessUses, readableModel } from './access.js'
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

/** The repositories this module uses (its named dependencies). */
type Uses = 'aliases' | 'keyTags' | 'models' | 'organisations' | 'registrySearch' | 'versions' | AccessUses

export class RegistrySearchService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async searchModels(actor: Actor, org: string, q: SearchRequest): Promise<ModelRecord[]> {
    const repos = this.deps.store.pool
    const orgId = await this.orgId(org)
    const ids = await repos.registrySearch.searchModels({ viewer: actor, orgId, ...q })
    const models = await repos.models.findByIds(ids)
    return ids.map((id) => models.get(id)).filter((m): m is ModelRecord => m !== undefined)
  }

  async searchVersions(actor: Actor, org: string, q: SearchRequest): Promise<ModelVersion[]> {
    const repos = this.deps.store.pool
    const orgId = await this.orgId(org)
    const ids = await repos.registrySearch.searchVersions({ viewer: actor, orgId, ...q })
    const versions = await repos.versions.findByIds(ids)
    const models = await repos.models.findByIds([...new Set([...versions.values()].map((v) => v.modelId))])
    const out: ModelVersion[] = []
    for (const id of ids) {
      const version = versions.get(id)
      const model = version && models.get(version.modelId)
      if (version && model) out.push({ model, version })
    }
    return out
  }

  /** Tags, aliases and latest version per stage of models the caller already may read: a fixed number of queries. */
  async modelViews(models: ModelRecord[]): Promise<Map<number, ModelView>> {
    const repos = this.deps.store.pool
    const ids = models.map((m) => m.id)
    const [tags, latest, aliases] = await Promise.all([
      repos.keyTags.ofModels(ids),
      repos.versions.latestPerStage(ids),
      repos.aliases.listForModels(ids),
    ])
    const targets = await repos.versions.findByIds([...new Set(aliases.map((a) => a.versionId))])
    const out = new Map<number, ModelView>()
    for (const m of models) {
      const own = latest.filter((v) => v.modelId === m.id)
      out.set(m.id, {
        tags: tags.get(m.id) ?? [],
        aliases: aliases
          .filter((a) => a.modelId === m.id)
          .map((a) => ({ alias: a.name, sequence: targets.get(a.versionId)?.sequence ?? 0 })),
        latestPerStage: stagePrecedence
          .map((stage) => own.find((v) => v.stage === stage))
          .filter((v): v is VersionRecord => v !== undefined),
      })
    }
    return out
  }

  /** Tags and alias names of versions the caller already may read. */
  async versionViews(versions: VersionRecord[]): Promise<Map<number, VersionView>> {
    const repos = this.deps.store.pool
    const ids = versions.map((v) => v.id)
    const [tags, aliases] = await Promise.all([repos.keyTags.ofVersions(ids), repos.aliases.listForVersions(ids)])
    const out = new Map<number, VersionView>()
    for (const v of versions) {
      out.set(v.id, {
        tags: tags.get(v.id) ?? [],
        aliases: aliases.filter((a) => a.versionId === v.id).map((a) => a.name),
      })
    }
    return out
  }

  /** The highest-numbered version in each of `stages` (every stage when none are named). */
  async latestInStages(actor: Actor, org: string, name: string, stages: string[]): Promise<ModelVersion[]> {
    const repos = this.deps.store.pool
    const model = await readableModel(repos, actor, org, name)
    const view = (await this.modelViews([model])).get(model.id)
    const wanted = stages.length === 0 ? undefined : new Set(stages)
    return (view?.latestPerStage ?? [])
      .filter((v) => wanted === undefined || wanted.has(v.stage))
      .map((version) => ({ model, version }))
  }

  private async orgId(org: string): Promise<string> {
    const organisation = await this.deps.store.pool.organisations.findByName(org)
    if (!organisation) throw new NotFoundError(`organisation "${org}" not found`, { org })
    return organisation.id
  }
}
