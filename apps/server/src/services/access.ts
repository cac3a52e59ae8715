// Who may see and change a model. A model with Public Access is readable by every member of its organisation;
// without it, by its owner, members it is shared with, and the organisation's admins. Writes need a write
// scope and member + (owner or a write grant), or organisation admin. Nobody outside the organisation sees
// anything: an unreadable model is reported as not found, never as forbidden.
import { modelNameKey } from '../domain/names.js'
import { ForbiddenError, NotFoundError } from '../errors.js'
import type { ModelRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import type { Role } from '../repositories/user.repository.js'
import type { Actor } from './service-deps.js'

export interface Standing {
  role?: Role
  grant?: 'read' | 'write'
}

/** The repositories this module uses (its named dependencies). */
export type AccessUses = 'grants' | 'models'

export async function standingOf(
  repos: RepositoriesOf<AccessUses>,
  actor: Actor,
  model: ModelRecord,
): Promise<Standing> {
  // A site admin may do anything a scope allows: their standing decides nothing, so it is not looked up.
  if (actor.siteAdmin) return {}
  const found = await repos.grants.standing(model.id, model.orgId, actor.userId)
  return found ? { role: found.role as Role, grant: found.grant } : {}
}

export function canRead(actor: Actor, model: ModelRecord, s: Standing): boolean {
  if (actor.siteAdmin) return true
  if (s.role === undefined) return false
  return s.role === 'admin' || model.publicAccess || model.createdBy === actor.username || s.grant !== undefined
}

export function canWrite(actor: Actor, model: ModelRecord, s: Standing): boolean {
  if (actor.scope === 'read') return false
  if (actor.siteAdmin || s.role === 'admin') return true
  return s.role === 'member' && (model.createdBy === actor.username || s.grant === 'write')
}

const notFound = (org: string, name: string) =>
  new NotFoundError(`model "${org}/${name}" not found`, { model: `${org}/${name}` })

/** The model by organisation and name, whoever asks (callers that check access use readableModel/writableModel). */
export async function findModel(
  repos: RepositoriesOf<AccessUses>,
  org: string,
  name: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ModelRecord> {
  const model = await repos.models.findByName(org, modelNameKey(name.normalize('NFC')), opts)
  if (!model) throw notFound(org, name)
  return model
}

/** The model if the actor may read it; otherwise "not found", whether it exists or not. */
export async function readableModel(
  repos: RepositoriesOf<AccessUses>,
  actor: Actor,
  org: string,
  name: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ModelRecord> {
  const model = await findModel(repos, org, name, opts)
  if (!canRead(actor, model, await standingOf(repos, actor, model))) throw notFound(org, name)
  return model
}

/**
 * As readableModel, for a lookup that reads more with the model in the same statement (its latest version): `find`
 * gets the name's key and returns undefined when there is no such model.
 */
export async function readableModelWith<T extends { model: ModelRecord }>(
  repos: RepositoriesOf<AccessUses>,
  actor: Actor,
  org: string,
  name: string,
  find: (nameKey: string) => Promise<T | undefined>,
): Promise<T> {
  const found = await find(modelNameKey(name.normalize('NFC')))
  if (!found || !canRead(actor, found.model, await standingOf(repos, actor, found.model))) throw notFound(org, name)
  return found
}

/** The model if the actor may change it; 404 if they cannot even see it, 403 if they can only read it. */
export async function writableModel(
  repos: RepositoriesOf<AccessUses>,
  actor: Actor,
  org: string,
  name: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ModelRecord> {
  const model = await findModel(repos, org, name, opts)
  const standing = await standingOf(repos, actor, model)
  if (!canRead(actor, model, standing)) throw notFound(org, name)
  if (!canWrite(actor, model, standing)) {
    const why =
      actor.scope === 'read'
        ? 'this token is read-only'
        : standing.role === 'viewer'
          ? 'viewers cannot change models'
          : 'only its owner, members it is shared with for writing, and organisation admins can change it'
    throw new ForbiddenError(`you cannot change "${org}/${name}": ${why}`, { model: `${org}/${name}` })
  }
  return model
}
