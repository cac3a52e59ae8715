// What the Hugging Face view reads of a model: the model as its access rules allow, the version a Hub revision
// names ("main", a version id behind a commit id, a version reference) and the version's files and small bytes.
// The compat layer (compat/hf/) translates repo ids, revisions and commit ids; this holds the lookups.
import type { ByteRange } from '../blobs/blob-store.js'
import { parseReference, type VersionReference } from '../domain/version-reference.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import { type AccessUses, readableModel, writableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { findReferenced, type ResolverUses } from './version-resolver.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'artifacts' | 'versions' | AccessUses | ResolverUses

const PRODUCTION = parseReference('production')
const LATEST = parseReference('latest')

/**
 * @example
 * const model = await hfRepos.model(actor, 'default', 'bert', 'read')
 * const version = await hfRepos.mainVersion(model)
 * const files = version && (await hfRepos.files(version))
 */
export class HfRepoService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  /** The model if the actor may read it (or change it, with `need: 'write'`); NOT_FOUND otherwise, either way. */
  model(actor: Actor, org: string, name: string, need: 'read' | 'write' = 'read'): Promise<ModelRecord> {
    return (need === 'write' ? writableModel : readableModel)(this.deps.store.pool, actor, org, name)
  }

  /** The Hub's "main": the version in Production if there is one, else the highest release, else the highest. */
  async mainVersion(model: ModelRecord): Promise<VersionRecord | undefined> {
    const repos = this.deps.store.pool
    return (
      (await findReferenced(repos, model, PRODUCTION)) ??
      (await findReferenced(repos, model, LATEST)) ??
      (await repos.versions.findLatest(model.id))
    )
  }

  /** The version a reference names in the model (a version number, a stage, an alias, …), or undefined. */
  versionByReference(model: ModelRecord, reference: VersionReference): Promise<VersionRecord | undefined> {
    return findReferenced(this.deps.store.pool, model, reference)
  }

  /** The model's version with this id, or undefined (also when the id is another model's version). */
  async versionById(model: ModelRecord, id: number): Promise<VersionRecord | undefined> {
    const found = await this.deps.store.pool.versions.findById(id)
    return found?.modelId === model.id ? found : undefined
  }

  /** The version's files, by path. */
  files(version: VersionRecord): Promise<ArtifactRecord[]> {
    return this.deps.store.pool.artifacts.listForVersion(version.id)
  }

  /**
   * The bytes of a small file (or a range of them) in memory: callers read READMEs and files below the LFS size.
   * Undefined when the store has no such bytes.
   */
  async read(sha256: string, range?: ByteRange): Promise<Buffer | undefined> {
    const body = await this.deps.blobs.get(sha256, range && { range }).catch(() => undefined)
    if (!body) return undefined
    const chunks: Buffer[] = []
    for await (const chunk of body) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
  }
}
