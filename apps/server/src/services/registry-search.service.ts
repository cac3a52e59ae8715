// Searches and views of the registry as MLflow's registry API reads them: models and versions of one
// organisation matched by clauses, with their key/value tags, aliases and latest version per stage. Visibility is
// the native rule (repositories/visibility.ts, services/access.ts).
import { NotFoundError } from '../errors.js'
import type { VersionRecord } from '../repositories/records.js'
import type { ModelDetail, SearchClause, SearchOrder, VersionView } from '../repositories/registry-search.repository.js'
import { type AccessUses, readableModelWith } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import type { ModelVersion } from './version-resolver.js'

export interface SearchRequest {
  clauses: SearchClause[]
  order: SearchOrder[]
  offset: number
  limit: number
}

export type { ModelDetail, ModelView, VersionView } from '../repositories/registry-search.repository.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'aliases' | 'keyTags' | 'models' | 'organisations' | 'registrySearch' | 'versions' | AccessUses

export class RegistrySearchService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  /** The matching models with their tags, aliases and latest version per stage: three statements whatever the page. */
  async searchModels(actor: Actor, org: string, q: SearchRequest): Promise<ModelDetail[]> {
    const repos = this.deps.store.pool
    const orgId = await this.orgId(org)
    const ids = await repos.registrySearch.searchModels({ viewer: actor, orgId, ...q })
    const details = await repos.registrySearch.modelDetails(ids)
    return ids.map((id) => details.get(id)).filter((d): d is ModelDetail => d !== undefined)
  }

  /**
   * One model as MLflow shows it (tags, aliases, latest version per stage with their tags and aliases), if the
   * caller may read it: one statement, and the caller's standing in the organisation unless a site admin asks.
   */
  async modelDetail(actor: Actor, org: string, name: string): Promise<ModelDetail> {
    const repos = this.deps.store.pool
    return readableModelWith(repos, actor, org, name, (nameKey) => repos.registrySearch.modelDetailByName(org, nameKey))
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
  async latestInStages(
    actor: Actor,
    org: string,
    name: string,
    stages: string[],
  ): Promise<{ list: ModelVersion[]; versionViews: Map<number, VersionView> }> {
    const { model, view, versionViews } = await this.modelDetail(actor, org, name)
    const wanted = stages.length === 0 ? undefined : new Set(stages)
    const list = view.latestPerStage
      .filter((v) => wanted === undefined || wanted.has(v.stage))
      .map((version) => ({ model, version }))
    return { list, versionViews }
  }

  private async orgId(org: string): Promise<string> {
    const organisation = await this.deps.store.pool.organisations.findByName(org)
    if (!organisation) throw new NotFoundError(`organisation "${org}" not found`, { org })
    return organisation.id
  }
}
