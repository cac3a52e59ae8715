// Aliases: named pointers to one version of a model (champion -> 1.2.0). Setting, moving and removing one is a
// model write; a protected alias only organisation admins may move, remove or unprotect. Each change is an
// alias.moved event (from/to) written in the same transaction, so the model's history and the audit log hold it.
import type { SetAliasBody } from '@modelreg/contract'
import { aliasNameProblem, parseReference } from '../domain/version-reference.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import type { AliasRecord } from '../repositories/alias.repository.js'
import type { ModelRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { type AccessUses, readableModel, standingOf, writableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { findReferenced, type ResolverUses } from './version-resolver.js'

export interface ModelAlias {
  model: ModelRecord
  alias: AliasRecord
}

/** The repositories this module uses (its named dependencies). */
type Uses = 'aliases' | 'events' | AccessUses | ResolverUses

export class AliasService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async list(actor: Actor, org: string, name: string): Promise<{ model: ModelRecord; aliases: AliasRecord[] }> {
    const repos = this.deps.store.pool
    const model = await readableModel(repos, actor, org, name)
    return { model, aliases: await repos.aliases.list(model.id) }
  }

  /** Points `alias` at the version `body.version` names; created says whether the alias is new. */
  async set(
    actor: Actor,
    org: string,
    name: string,
    alias: string,
    body: SetAliasBody,
  ): Promise<ModelAlias & { created: boolean }> {
    checkAliasName(alias)
    const reference = parseReference(body.version)
    const now = this.deps.clock()
    return this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      const target = await findReferenced(repos, model, reference)
      if (!target) {
        throw new NotFoundError(`"${body.version}" names no version of "${model.org}/${model.name}"`, {
          version: body.version,
        })
      }
      const existing = await repos.aliases.find(model.id, alias)
      const protect = body.protected ?? existing?.protected ?? false
      if (existing?.protected || protect) await requireOrgAdmin(repos, actor, model, alias, existing)
      if (existing && existing.versionId === target.id && existing.protected === protect) {
        return { model, alias: existing, created: false }
      }
      if (existing) {
        await repos.aliases.move(existing.id, {
          versionId: target.id,
          protected: protect,
          actor: actor.username,
          at: now,
        })
      } else {
        await repos.aliases.insert({
          modelId: model.id,
          name: alias,
          versionId: target.id,
          protected: protect,
          actor: actor.username,
          at: now,
        })
      }
      await appendAliasEvent(repos, model, actor, now, {
        alias,
        from: existing?.version ?? null,
        to: target.version,
        protected: protect,
      })
      const saved = await repos.aliases.find(model.id, alias)
      if (!saved) throw new Error('alias vanished after it was written')
      return { model, alias: saved, created: existing === undefined }
    })
  }

  async remove(actor: Actor, org: string, name: string, alias: string): Promise<void> {
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      const existing = await repos.aliases.find(model.id, alias)
      if (!existing) throw new NotFoundError(`"${model.org}/${model.name}" has no alias "${alias}"`, { alias })
      if (existing.protected) await requireOrgAdmin(repos, actor, model, alias, existing)
      await repos.aliases.delete(existing.id)
      await appendAliasEvent(repos, model, actor, now, {
        alias,
        from: existing.version,
        to: null,
        protected: existing.protected,
      })
    })
  }
}

/** Refuses names that are not alias names, or that would read as "latest", a stage, a version or a range. */
export function checkAliasName(alias: string): void {
  const problem = aliasNameProblem(alias)
  if (problem !== undefined) throw new ValidationError(`"${alias}" cannot be an alias: ${problem}`, { field: 'alias' })
}

async function requireOrgAdmin(
  repos: RepositoriesOf<Uses>,
  actor: Actor,
  model: ModelRecord,
  alias: string,
  existing: AliasRecord | undefined,
): Promise<void> {
  if (actor.siteAdmin || (await standingOf(repos, actor, model)).role === 'admin') return
  const what = existing?.protected ? `"${alias}" is protected` : `making "${alias}" protected`
  throw new ForbiddenError(`${what}: only admins of organisation "${model.org}" may change it`, { alias })
}

function appendAliasEvent(
  repos: RepositoriesOf<Uses>,
  model: ModelRecord,
  actor: Actor,
  at: string,
  data: { alias: string; from: string | null; to: string | null; protected: boolean },
): Promise<void> {
  return repos.events.append({
    modelId: model.id,
    org: model.org,
    modelName: model.name,
    version: data.to ?? data.from,
    type: 'alias.moved',
    actor: actor.username,
    at,
    data,
  })
}
