// Key/value tags on models and versions (MLflow's tags; the native tags of a version are a plain list). Setting
// or removing one is a write to the model, under the same access rules and in its history.
import { ValidationError } from '../errors.js'
import type { KeyTag } from '../repositories/key-tag.repository.js'
import { type AccessUses, readableModel, writableModel } from './access.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { appendModelEvent, type EventUses } from './version-events.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'events' | 'keyTags' | AccessUses | ResolverUses | EventUses

export const keyTagLimits = { key: 250, value: 5000 } as const

export function checkKeyTag(key: string, value?: string): void {
  if (key.length === 0 || key.length > keyTagLimits.key || /\p{Cc}/u.test(key)) {
    throw new ValidationError(`a tag key is 1–${keyTagLimits.key} characters without control characters`, {
      field: 'key',
    })
  }
  if (value !== undefined && value.length > keyTagLimits.value) {
    throw new ValidationError(`a tag value is at most ${keyTagLimits.value} characters`, { field: 'value' })
  }
}

export class KeyTagService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async setModelTag(actor: Actor, org: string, name: string, tag: KeyTag): Promise<void> {
    checkKeyTag(tag.key, tag.value)
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      await repos.keyTags.setModelTag(model.id, tag)
      await appendModelEvent(repos, model, actor, now, { [`tags.${tag.key}`]: { to: tag.value } })
    })
  }

  /** Removes a model's tag; an absent key is not an error (as in MLflow). */
  async deleteModelTag(actor: Actor, org: string, name: string, key: string): Promise<void> {
    checkKeyTag(key)
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      if (!(await repos.keyTags.deleteModelTag(model.id, key))) return
      await appendModelEvent(repos, model, actor, now, { [`tags.${key}`]: { to: null } })
    })
  }

  async setVersionTag(actor: Actor, org: string, name: string, ref: string, tag: KeyTag): Promise<void> {
    checkKeyTag(tag.key, tag.value)
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const { model, version } = await resolveVersion(repos, actor, 'write', org, name, ref, { forUpdate: true })
      await repos.keyTags.setVersionTag(version.id, model.id, tag)
      await repos.events.append({
        modelId: model.id,
        org: model.org,
        modelName: model.name,
        version: version.version,
        type: 'version.updated',
        actor: actor.username,
        at: now,
        data: { changes: { [`tags.${tag.key}`]: { to: tag.value } } },
      })
    })
  }

  async deleteVersionTag(actor: Actor, org: string, name: string, ref: string, key: string): Promise<void> {
    checkKeyTag(key)
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const { model, version } = await resolveVersion(repos, actor, 'write', org, name, ref, { forUpdate: true })
      if (!(await repos.keyTags.deleteVersionTag(version.id, key))) return
      await repos.events.append({
        modelId: model.id,
        org: model.org,
        modelName: model.name,
        version: version.version,
        type: 'version.updated',
        actor: actor.username,
        at: now,
        data: { changes: { [`tags.${key}`]: { to: null } } },
      })
    })
  }

  /** The model's description and key/value tags, and those of its versions (the model page shows them). */
  async ofModel(actor: Actor, org: string, name: string) {
    const repos = this.deps.store.pool
    const model = await readableModel(repos, actor, org, name)
    const [tags, versions] = await Promise.all([
      repos.keyTags.ofModels([model.id]),
      repos.keyTags.ofVersionsOfModel(model.id),
    ])
    return { description: model.description, tags: tags.get(model.id) ?? [], versions }
  }

  async ofModels(ids: number[]) {
    return this.deps.store.pool.keyTags.ofModels(ids)
  }

  async ofVersions(ids: number[]) {
    return this.deps.store.pool.keyTags.ofVersions(ids)
  }
}
