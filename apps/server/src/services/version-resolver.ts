// The one resolver of version references: API paths, deployments, the CLI and the SDK all name a version through
// it. An exact version, "latest" (the highest release), a stage (its highest version), an alias, or an npm range
// (the highest version it admits; pre-releases only on tuples the range names one for).
import type semver from 'semver'
import { parseReference, type VersionReference } from '../domain/version-reference.js'
import { NotFoundError } from '../errors.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { type AccessUses, readableModel, writableModel } from './access.js'
import type { Actor } from './service-deps.js'

export interface ModelVersion {
  model: ModelRecord
  version: VersionRecord
}

/** The repositories this module uses (its named dependencies). */
export type ResolverUses = 'aliases' | 'versions' | AccessUses

/** Rows read per probe of a range branch; more only when the range's own test refuses candidates. */
const RANGE_BATCH = 16

/** The model (readable or writable by the actor, per `need`) and the version `ref` names in it. */
export async function resolveVersion(
  repos: RepositoriesOf<ResolverUses>,
  actor: Actor,
  need: 'read' | 'write',
  org: string,
  name: string,
  ref: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ModelVersion> {
  const model = await (need === 'write' ? writableModel : readableModel)(repos, actor, org, name, opts)
  const reference = parseReference(ref)
  const version = await findReferenced(repos, model, reference)
  if (!version) throw new NotFoundError(notFoundMessage(model, reference), { version: ref })
  return { model, version }
}

/** The version a parsed reference names in a model, or undefined. */
export async function findReferenced(
  repos: RepositoriesOf<ResolverUses>,
  model: ModelRecord,
  reference: VersionReference,
): Promise<VersionRecord | undefined> {
  switch (reference.kind) {
    case 'exact':
      return repos.versions.findBySortKey(model.id, reference.number.sortKey)
    case 'latest':
      return repos.versions.findLatest(model.id, { releasesOnly: true })
    case 'stage':
      return repos.versions.findHighestInStage(model.id, reference.stage)
    case 'alias': {
      const alias = await repos.aliases.find(model.id, reference.alias)
      return alias && repos.versions.findById(alias.versionId)
    }
    case 'range': {
      // Each branch is one index range scan from its top; the highest hit over all branches wins.
      let best: VersionRecord | undefined
      for (const interval of reference.intervals) {
        const hit = await highestIn(repos, model, interval, reference.range)
        if (hit && (!best || hit.sortKey > best.sortKey)) best = hit
      }
      return best
    }
  }
}

async function highestIn(
  repos: RepositoriesOf<ResolverUses>,
  model: ModelRecord,
  interval: Parameters<RepositoriesOf<ResolverUses>['versions']['listInInterval']>[1],
  range: semver.Range,
): Promise<VersionRecord | undefined> {
  let upper = interval.upper
  for (;;) {
    const rows = await repos.versions.listInInterval(model.id, { ...interval, upper }, RANGE_BATCH)
    // The interval already holds exactly what the branch admits; the range's own test is the final word.
    const hit = rows.find((v) => range.test(v.version))
    if (hit || rows.length < RANGE_BATCH) return hit
    const last = rows[rows.length - 1] as VersionRecord
    upper = { key: last.sortKey, inclusive: false }
  }
}

function notFoundMessage(model: ModelRecord, reference: VersionReference): string {
  const where = `"${model.org}/${model.name}"`
  switch (reference.kind) {
    case 'exact':
      return `version ${reference.text} of ${where} not found`
    case 'latest':
      return `model ${where} has no release version yet`
    case 'stage':
      return `no version of ${where} is in ${reference.stage}`
    case 'alias':
      return `${where} has no alias or version "${reference.alias}"`
    case 'range':
      return `no version of ${where} matches "${reference.text}"`
  }
}
