import { type CreateModelBody, defaults, type ListModelsQuery, type UpdateModelBody } from '@modelreg/contract'
import { isUniqueViolation } from '../db/database.js'
import { multiLine, otherValue } from '../domain/choices.js'
import { type Editability, refuseNotEditable } from '../domain/editability.js'
import { diff } from '../domain/field-diff.js'
import { checkModelName, checkOrgName, modelNameKey } from '../domain/names.js'
import { versionInput } from '../domain/version-input.js'
import { parseVersion } from '../domain/version-number.js'
import { AlreadyExistsError, ForbiddenError, ModelDeployedError, NotFoundError, ValidationError } from '../errors.js'
import type { ModelChanges, NewModel } from '../repositories/model.repository.js'
import type { ModelRecord, ModelWithLatest, Page } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { type AccessUses, readableModelWith, writableModel } from './access.js'
import { type CollectorUses, collectBlobs } from './blob-collector.js'
import { checkKeyTag } from './key-tag.service.js'
import { refreshModelSummary, type SummaryUses } from './model-summary.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { appendModelEvent, type EventUses } from './version-events.js'
import { type InsertUses, insertVersion } from './version-insert.js'

export type { ModelWithLatest }

const versionFieldHint = 'a version: PATCH /api/v1/models/{org}/{name}/versions/{version}'

/** The repositories this module uses (its named dependencies). */
type Uses =
  | 'artifacts'
  | 'deployments'
  | 'events'
  | 'keyTags'
  | 'models'
  | 'organisations'
  | 'users'
  | 'versions'
  | AccessUses
  | SummaryUses
  | InsertUses
  | CollectorUses
  | EventUses

/** A model edit changes Task Type, Model Type and Public Access; Model Name and Framework never change. */
export const modelEditability: Editability = {
  fixed: {
    name: 'Model Name never changes; register a new model instead',
    framework: 'Framework never changes; register a new model instead',
    version: 'create a new version instead',
  },
  elsewhere: Object.fromEntries(
    ['description', 'tags', 'status', 'author', 'license', 'licenseOther', 'metrics'].map((f) => [f, versionFieldHint]),
  ),
}

export class ModelService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  /** Refuses the fields a model edit may not name (FIELD_NOT_EDITABLE); update() checks them too. */
  checkEditable(changes: unknown): void {
    refuseNotEditable(changes, modelEditability)
  }

  /** The Create Model form: the model and its first version, in one transaction. */
  async create(actor: Actor, body: CreateModelBody): Promise<ModelWithLatest> {
    const org = await this.registeringOrg(actor, body.org)
    const name = checkModelName(body.name)
    const number = parseVersion(body.version ?? defaults.version)
    const taskType = body.taskType ?? defaults.taskType
    const modelType = body.modelType ?? defaults.modelType
    const fields = {
      framework: body.framework,
      frameworkOther: otherValue('framework', body.framework, body.frameworkOther),
      taskType,
      taskTypeOther: otherValue('taskType', taskType, body.taskTypeOther),
      modelType,
      modelTypeOther: otherValue('modelType', modelType, body.modelTypeOther),
      publicAccess: body.publicAccess ?? false,
    }
    const input = versionInput(body)
    const now = this.deps.clock()
    return this.insertModel(actor, org, name, fields, now, async (repos, model) => {
      const version = await insertVersion(repos, model, actor, number, input, now)
      return { model: await this.reload(repos, model.id), latest: version, top: version }
    })
  }

  /**
   * A model without versions (MLflow's create_registered_model): Framework "Others (MLflow)" until a version
   * says otherwise, private, owned by the caller. Same organisation rules as the Create Model form.
   */
  async createEmpty(
    actor: Actor,
    org: string,
    input: { name: string; description: string; tags?: { key: string; value: string }[] },
  ): Promise<ModelRecord> {
    const checkedOrg = await this.registeringOrg(actor, org)
    const name = checkModelName(input.name)
    const description = checkDescription(input.description)
    for (const tag of input.tags ?? []) checkKeyTag(tag.key, tag.value)
    const fields = {
      framework: 'others' as const,
      frameworkOther: 'MLflow',
      taskType: defaults.taskType,
      taskTypeOther: null,
      modelType: defaults.modelType,
      modelTypeOther: null,
      publicAccess: false,
    }
    const now = this.deps.clock()
    return this.insertModel(actor, checkedOrg, name, fields, now, async (repos, model) => {
      if (description !== '') await repos.models.setDescription(model.id, description, now)
      for (const tag of input.tags ?? []) await repos.keyTags.setModelTag(model.id, tag)
      return this.reload(repos, model.id)
    })
  }

  /**
   * The organisation a new model goes to (the caller's first when none is named): one the caller belongs to other
   * than as a viewer, or any for a site admin.
   */
  private async registeringOrg(actor: Actor, named: string | undefined): Promise<string> {
    const memberships = await this.deps.store.pool.users.memberships(actor.userId)
    const org = checkOrgName(named ?? memberships[0]?.org ?? defaults.org)
    const role = memberships.find((m) => m.org === org)?.role
    if (role === undefined && !actor.siteAdmin) throw new NotFoundError(`organisation "${org}" not found`, { org })
    if (role === 'viewer' && !actor.siteAdmin) throw new ForbiddenError(`viewers of "${org}" cannot register models`)
    return org
  }

  /**
   * Both ways a model comes to be: in one transaction the model row, its `model.created` event, then `rest` (its
   * first version, or MLflow's description and tags); a taken name is ALREADY_EXISTS.
   */
  private async insertModel<T>(
    actor: Actor,
    org: string,
    name: string,
    fields: Omit<NewModel, 'orgId' | 'name' | 'nameKey' | 'createdBy' | 'now'>,
    now: string,
    rest: (repos: RepositoriesOf<Uses>, model: ModelRecord) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.deps.store.transaction(async (repos) => {
        const organisation = await repos.organisations.findByName(org)
        if (!organisation) throw new NotFoundError(`organisation "${org}" not found`, { org })
        const model = await repos.models.insert({
          orgId: organisation.id,
          name,
          nameKey: modelNameKey(name),
          ...fields,
          createdBy: actor.username,
          now,
        })
        // The model's event first: its first version's event follows it.
        await repos.events.append({
          modelId: model.id,
          org,
          modelName: name,
          actor: actor.username,
          at: now,
          type: 'model.created',
          version: null,
          data: {},
        })
        return await rest(repos, model)
      })
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AlreadyExistsError(`a model named "${name}" already exists in organisation "${org}"`, { org, name })
      }
      throw err
    }
  }

  /** A new Model Name (MLflow's rename_registered_model); versions, aliases and history stay with the model. */
  async rename(actor: Actor, org: string, name: string, newName: string): Promise<ModelRecord> {
    const checked = checkModelName(newName)
    const now = this.deps.clock()
    try {
      return await this.deps.store.transaction(async (repos) => {
        const model = await writableModel(repos, actor, org, name, { forUpdate: true })
        await repos.models.rename(model.id, checked, modelNameKey(checked), now)
        const renamed = await this.reload(repos, model.id)
        await refreshModelSummary(repos, renamed, { versionDelta: 0, now })
        await appendModelEvent(repos, { ...model, name: checked }, actor, now, {
          name: { from: model.name, to: checked },
        })
        return this.reload(repos, model.id)
      })
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AlreadyExistsError(`a model named "${checked}" already exists in organisation "${org}"`, {
          org,
          name: checked,
        })
      }
      throw err
    }
  }

  /** The model-level description (MLflow's registered model description). */
  async setDescription(actor: Actor, org: string, name: string, description: string): Promise<ModelRecord> {
    const text = checkDescription(description)
    const now = this.deps.clock()
    return this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      await repos.models.setDescription(model.id, text, now)
      await appendModelEvent(repos, model, actor, now, { description: { from: model.description, to: text } })
      return this.reload(repos, model.id)
    })
  }

  /** The model with its latest version and top stage: one statement for a site admin, two for anyone else. */
  async get(actor: Actor, org: string, name: string): Promise<ModelWithLatest> {
    const repos = this.deps.store.pool
    return readableModelWith(repos, actor, org, name, (nameKey) => repos.models.findWithLatest(org, nameKey))
  }

  async list(actor: Actor, query: ListModelsQuery): Promise<Page<ModelWithLatest>> {
    return this.deps.store.pool.models.list({
      ...query,
      viewer: actor,
      tags: query.tag,
      sort: query.sort ?? '-updated',
      limit: query.limit ?? 50,
    })
  }

  async update(actor: Actor, org: string, name: string, body: UpdateModelBody): Promise<ModelWithLatest> {
    this.checkEditable(body)
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      const taskType = body.taskType ?? model.taskType
      const modelType = body.modelType ?? model.modelType
      const next: ModelChanges = {
        taskType,
        taskTypeOther:
          body.taskType !== undefined || body.taskTypeOther !== undefined
            ? otherValue('taskType', taskType, body.taskTypeOther)
            : model.taskTypeOther,
        modelType,
        modelTypeOther:
          body.modelType !== undefined || body.modelTypeOther !== undefined
            ? otherValue('modelType', modelType, body.modelTypeOther)
            : model.modelTypeOther,
        publicAccess: body.publicAccess ?? model.publicAccess,
      }
      const changes = diff(model, next)
      if (Object.keys(changes).length === 0) return
      await repos.models.update(model.id, next, now)
      await appendModelEvent(repos, model, actor, now, changes)
    })
    return this.get(actor, org, name)
  }

  /** Deletes a model and its versions, unless any version is deployed. */
  async delete(actor: Actor, org: string, name: string): Promise<void> {
    const now = this.deps.clock()
    const digests = await this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      const deployments = await repos.deployments.listActive(model.id)
      const deployed = await repos.versions.findDeployed(model.id)
      if (deployments.length > 0 || deployed.length > 0) {
        const versions = [...new Set([...deployed.map((v) => v.version), ...(await versionsOf(repos, deployments))])]
        throw new ModelDeployedError(
          `You cannot delete a model that is currently deployed. Stop all deployments first (deployed: ${versions.join(', ')}).`,
          { versions, deployments: deployments.map((d) => d.id) },
        )
      }
      const digests = await repos.artifacts.digestsOfModel(model.id)
      await repos.models.delete(model.id)
      await repos.events.append({
        modelId: model.id,
        org: model.org,
        modelName: model.name,
        version: null,
        type: 'model.deleted',
        actor: actor.username,
        at: now,
        data: { versionCount: model.versionCount },
      })
      return digests
    })
    await collectBlobs(this.deps, digests)
  }

  private async reload(repos: RepositoriesOf<Uses>, id: number): Promise<ModelRecord> {
    const model = await repos.models.findById(id)
    if (!model) throw new Error(`model ${id} vanished`)
    return model
  }
}

async function versionsOf(repos: RepositoriesOf<Uses>, deployments: { versionId: number }[]): Promise<string[]> {
  const byId = await repos.versions.findByIds([...new Set(deployments.map((d) => d.versionId))])
  return [...byId.values()].map((v) => v.version)
}

/** A model-level description: at most 10,000 characters, no control characters but tab and line breaks. */
export function checkDescription(text: string): string {
  if (text.length > 10_000)
    throw new ValidationError('description is longer than 10,000 characters', { field: 'description' })
  return multiLine('description', text)
}
