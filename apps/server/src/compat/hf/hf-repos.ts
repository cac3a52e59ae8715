// Repo ids and revisions of the Hugging Face view, resolved over modelreg's own rules: the model is found and its
// visibility checked by the access rules, the version by the one version resolver (ADR 0015), both through
// HfRepoService; this module holds only the Hub's side (repo ids, slugs, revisions, commit ids).
import { parseReference } from '../../domain/version-reference.js'
import { DomainError } from '../../errors.js'
import type { ArtifactRecord } from '../../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../../repositories/records.js'
import type { Actor } from '../../services/service-deps.js'
import type { Services } from '../../services/services.js'
import { repoNotFound, revisionNotFound } from './hf-errors.js'
import { commitIdOf, hubName, parseRevision, versionIdOfCommit } from './hf-ids.js'

/** A model at one revision, as the Hub sees it: repo id, version, its files and its commit id. */
export interface HfSnapshot {
  repoId: string
  model: ModelRecord
  version: VersionRecord
  files: ArtifactRecord[]
  commit: string
}

export const repoIdOf = (model: Pick<ModelRecord, 'org' | 'name'>) => `${model.org}/${hubName(model.name)}`

export const commitOf = (version: VersionRecord, files: readonly ArtifactRecord[]) =>
  commitIdOf(version.modelId, version.version, version.id, files)

const MAX_SLUG_PAGES = 20

export class HfRepos {
  constructor(private readonly services: Services) {}

  private get lookups() {
    return this.services.hfRepos
  }

  /**
   * The model an `org/name` repo id names: the model of that name, else the one whose slug it is. Unknown and
   * unreadable models are both RepoNotFound (401 to an anonymous caller), never a hint that it exists.
   */
  async model(actor: Actor, org: string, name: string, need: 'read' | 'write' = 'read'): Promise<ModelRecord> {
    try {
      return await this.lookups.model(actor, org, name, need)
    } catch (err) {
      if (!(err instanceof DomainError) || err.code !== 'NOT_FOUND') throw err
    }
    const real = await this.modelNameOfSlug(actor, org, name)
    if (real === undefined) throw repoNotFound(`${org}/${name}`)
    return this.lookups.model(actor, org, real, need)
  }

  /** Searches the org's models (that the actor can see) for one served under `slug`. */
  private async modelNameOfSlug(actor: Actor, org: string, slug: string): Promise<string | undefined> {
    if (hubName(slug) !== slug) return undefined
    // The name search narrows the scan to models sharing the slug's longest word.
    const word = slug
      .split(/[^A-Za-z0-9]+/)
      .filter((w) => w.length >= 3)
      .sort((a, b) => b.length - a.length)[0]
    let cursor: string | undefined
    for (let page = 0; page < MAX_SLUG_PAGES; page++) {
      let found: Awaited<ReturnType<Services['models']['list']>>
      try {
        found = await this.services.models.list(actor, { org, ...(word && { q: word }), limit: 100, cursor })
      } catch {
        return undefined
      }
      const hit = found.items.find((m) => hubName(m.model.name).toLowerCase() === slug.toLowerCase())
      if (hit) return hit.model.name
      if (found.nextCursor === null) return undefined
      cursor = found.nextCursor
    }
    return undefined
  }

  /** The version `rev` names: main, HEAD, a commit id, a version, a stage or an alias. */
  async snapshot(
    actor: Actor,
    org: string,
    name: string,
    rev: string,
    need: 'read' | 'write' = 'read',
  ): Promise<HfSnapshot> {
    const model = await this.model(actor, org, name, need)
    return this.snapshotOf(model, rev)
  }

  async snapshotOf(model: ModelRecord, rev: string): Promise<HfSnapshot> {
    const repoId = repoIdOf(model)
    const revision = parseRevision(rev)
    let version: VersionRecord | undefined
    if (revision.kind === 'main') {
      version = await this.lookups.mainVersion(model)
    } else if (revision.kind === 'commit') {
      const id = versionIdOfCommit(revision.id)
      const found = id === undefined ? undefined : await this.lookups.versionById(model, id)
      if (found) {
        const files = await this.lookups.files(found)
        // A commit id names content: once the version's files changed, the old id names nothing.
        if (commitOf(found, files) === revision.id) return { repoId, model, version: found, files, commit: revision.id }
      }
    } else {
      let reference: ReturnType<typeof parseReference> | undefined
      try {
        reference = parseReference(revision.text, 'revision')
      } catch {
        reference = undefined
      }
      version = reference && (await this.lookups.versionByReference(model, reference))
    }
    if (!version) throw revisionNotFound(repoId, rev)
    const files = await this.lookups.files(version)
    return { repoId, model, version, files, commit: commitOf(version, files) }
  }
}
