import {
  type ChangeStageBody,
  type CreateVersionBody,
  defaults,
  isFrozen,
  type ListVersionsQuery,
  type Stage,
  stageOptions,
  type UpdateVersionBody,
} from '@modelreg/contract'
import type { StagedBlob } from '../blobs/blob-store.js'
import { isUniqueViolation } from '../db/database.js'
import { mediaTypeOf } from '../domain/artifact-path.js'
import { multiLine, normaliseTags, otherValue, singleLine } from '../domain/choices.js'
import { type Editability, refuseNotEditable } from '../domain/editability.js'
import { diff } from '../domain/field-diff.js'
import { versionInput } from '../domain/version-input.js'
import { nextVersions, parseVersion } from '../domain/version-number.js'
import {
  AliasInUseError,
  AlreadyExistsError,
  ConflictError,
  ModelDeployedError,
  NotFoundError,
  ValidationError,
  VersionFrozenError,
} from '../errors.js'
import type { ModelRecord, Page, StageTransitionRecord, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import type { VersionChanges } from '../repositories/version.repository.js'
import { type AccessUses, findModel, readableModel, writableModel } from './access.js'
import { assertWritable } from './artifact.service.js'
import { type CollectorUses, collectBlobs } from './blob-collector.js'
import { InspectionService, type InspectionUses } from './inspection.service.js'
import { checkKeyTag } from './key-tag.service.js'
import { checkDescription } from './model.service.js'
import { refreshModelSummary, type SummaryUses } from './model-summary.js'
import { awaitInspection, checkSafety, type GateUses } from './safety-gate.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { appendEvent, type EventUses } from './version-events.js'
import { type InsertUses, insertVersion } from './version-insert.js'
import { type ModelVersion, type ResolverUses, resolveVersion } from './version-resolver.js'

const modelFieldHint = 'the model: PATCH /api/v1/models/{org}/{name}'

/** The repositories this module uses (its named dependencies). */
type Uses =
  | 'aliases'
  | 'artifacts'
  | 'blobs'
  | 'deployments'
  | 'events'
  | 'keyTags'
  | 'models'
  | 'stageTransitions'
  | 'tracking'
  | 'versions'
  | AccessUses
  | SummaryUses
  | GateUses
  | EventUses
  | InsertUses
  | ResolverUses
  | CollectorUses
  | InspectionUses

/** A version edit changes its own fields; its number, the Model Name and the Framework never change. */
export const versionEditability: Editability = {
  fixed: {
    version: 'create a new version instead',
    name: 'Model Name never changes',
    framework: 'Framework never changes',
  },
  elsewhere: { taskType: modelFieldHint, modelType: modelFieldHint, publicAccess: modelFieldHint },
}

export class VersionService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    /** Wakes this process's inspection loops once files a commit or registration brought are committed. */
    private readonly inspectionsQueued: () => void = () => {},
  ) {}

  /** Refuses the fields a version edit may not name (FIELD_NOT_EDITABLE); update() checks them too. */
  checkEditable(changes: unknown): void {
    refuseNotEditable(changes, versionEditability)
  }

  async create(actor: Actor, org: string, name: string, body: CreateVersionBody): Promise<ModelVersion> {
    const number = parseVersion(body.version)
    const input = versionInput(body)
    const now = this.deps.clock()
    try {
      return await this.deps.store.transaction(async (repos) => {
        const model = await writableModel(repos, actor, org, name, { forUpdate: true })
        const existing = await repos.versions.findBySortKey(model.id, number.sortKey)
        if (existing) throw await this.alreadyExists(repos, model, existing.version)
        const version = await insertVersion(repos, model, actor, number, input, now)
        return { model, version }
      })
    } catch (err) {
      if (isUniqueViolation(err))
        throw await this.alreadyExists(this.deps.store.pool, await this.model(org, name), number.text)
      throw err
    }
  }

  /**
   * A commit of files (the Hugging Face API's): a new version holding a base version's files plus the changes,
   * or (`fillBase`) the changes written into the base itself when it is an empty draft. One transaction: a refused
   * or failed commit leaves no version and no files. Refused with CONFLICT (details.stale) when the base's files
   * are no longer `baseFiles`; a deleted path the base does not have is NOT_FOUND (details.path).
   */
  async commitFiles(actor: Actor, org: string, name: string, commit: FileCommit): Promise<ModelVersion> {
    const now = this.deps.clock()
    const description = multiLine('description', commit.description)
    try {
      const committed = await this.deps.store.transaction(async (repos) => {
        const model = await writableModel(repos, actor, org, name, { forUpdate: true })
        const base = await repos.versions.findById(commit.baseVersionId)
        if (!base || base.modelId !== model.id) throw new ConflictError('the parent version is gone', { stale: true })
        const current = await repos.artifacts.listForVersion(base.id)
        const key = (files: readonly { path: string; sha256: string }[]) =>
          files
            .map((f) => `${f.path}\0${f.sha256}`)
            .sort()
            .join('\n')
        if (key(current) !== key(commit.baseFiles)) {
          throw new ConflictError(`version ${base.version} changed since the parent commit was read`, { stale: true })
        }
        const byPath = new Map(current.map((f) => [f.path, f]))
        for (const path of commit.delete) {
          if (!byPath.has(path)) throw new NotFoundError(`A file with this name doesn't exist: ${path}`, { path })
        }
        let version: VersionRecord
        if (commit.fillBase) {
          assertWritable(base)
          if (current.length > 0) throw new ConflictError(`version ${base.version} is not empty`, { stale: true })
          version = base
          if (description !== '') await repos.versions.update(base.id, { description }, now)
        } else {
          const number = parseVersion(
            commit.version ??
              nextVersions((await repos.versions.findLatest(model.id))?.version ?? '0.0.0')?.patch ??
              '0.0.1',
          )
          const existing = await repos.versions.findBySortKey(model.id, number.sortKey)
          if (existing) throw await this.alreadyExists(repos, model, existing.version)
          version = await insertVersion(
            repos,
            model,
            actor,
            number,
            versionInput({
              description,
              author: base.author,
              ...(base.license && { license: base.license }),
              ...(base.licenseOther && { licenseOther: base.licenseOther }),
              tags: base.tags,
            }),
            now,
            { event: { from: base.version } },
          )
          const replaced = new Set([...commit.delete, ...commit.put.map((p) => p.path)])
          for (const f of current) {
            if (replaced.has(f.path)) continue
            await repos.artifacts.put({ ...f, versionId: version.id, createdBy: f.createdBy, createdAt: f.createdAt })
          }
        }
        for (const p of commit.put) {
          await repos.blobs.upsert(p.sha256, p.size, now)
          await p.staged?.commit()
          await repos.artifacts.put({
            versionId: version.id,
            modelId: model.id,
            path: p.path,
            size: p.size,
            sha256: p.sha256,
            mediaType: mediaTypeOf(p.path, undefined),
            createdBy: actor.username,
            createdAt: now,
          })
          await InspectionService.request(repos, p, now)
          await repos.events.append({
            modelId: model.id,
            org: model.org,
            modelName: model.name,
            version: version.version,
            type: 'artifact.uploaded',
            actor: actor.username,
            at: now,
            data: { path: p.path, size: p.size, sha256: p.sha256 },
          })
        }
        return { model, version: (await repos.versions.findById(version.id)) ?? version }
      })
      if (commit.put.length > 0) this.inspectionsQueued()
      return committed
    } catch (err) {
      if (isUniqueViolation(err))
        throw new ConflictError('another commit created this version first; retry', { stale: true })
      throw err
    }
  }

  async get(actor: Actor, org: string, name: string, ref: string): Promise<ModelVersion> {
    return resolveVersion(this.deps.store.pool, actor, 'read', org, name, ref)
  }

  /** The version with this sequence number (MLflow's `version`), if the actor may read the model. */
  async getBySequence(actor: Actor, org: string, name: string, sequence: number): Promise<ModelVersion> {
    const model = await readableModel(this.deps.store.pool, actor, org, name)
    const version = await this.deps.store.pool.versions.findBySequence(model.id, sequence)
    if (!version) {
      throw new NotFoundError(`version ${sequence} of "${model.org}/${model.name}" not found`, { version: sequence })
    }
    return { model, version }
  }

  /**
   * A version registered through MLflow: numbered by the registry (1.0.0 first, then the next minor of the latest),
   * optionally holding a run's files under `files.prefix` at paths relative to it, by reference to the same blobs.
   */
  async register(
    actor: Actor,
    org: string,
    name: string,
    body: {
      description: string
      sourceUri: string
      runId: string | null
      runUrl?: string
      metrics: Record<string, number>
      files?: { runId: string; prefix: string }
      /** Key/value tags of the new version. */
      tags?: { key: string; value: string }[]
    },
  ): Promise<ModelVersion> {
    const description = checkDescription(body.description)
    for (const tag of body.tags ?? []) checkKeyTag(tag.key, tag.value)
    const now = this.deps.clock()
    const registered = await this.deps.store.transaction(async (repos) => {
      const model = await writableModel(repos, actor, org, name, { forUpdate: true })
      const next = await this.nextFor(repos, model)
      const number = parseVersion(next?.minor ?? defaults.version)
      const version = await insertVersion(
        repos,
        model,
        actor,
        number,
        {
          description,
          status: defaults.status,
          author: actor.username,
          license: null,
          licenseOther: null,
          tags: [],
          metrics: body.metrics,
          source: body.runUrl ? { runUrl: body.runUrl } : {},
          baseModel: null,
        },
        now,
        { runId: body.runId, sourceUri: body.sourceUri, event: { runId: body.runId } },
      )
      if (body.files) {
        const prefix = body.files.prefix
        for (const file of await repos.tracking.listArtifacts(body.files.runId, prefix)) {
          const path = prefix === '' ? file.path : file.path.slice(prefix.length + 1)
          await repos.artifacts.put({
            versionId: version.id,
            modelId: model.id,
            path,
            size: file.size,
            sha256: file.sha256,
            mediaType: file.mediaType,
            createdBy: actor.username,
            createdAt: now,
          })
          await InspectionService.request(repos, { sha256: file.sha256, path }, now)
        }
      }
      for (const tag of body.tags ?? []) await repos.keyTags.setVersionTag(version.id, model.id, tag)
      return { model, version }
    })
    if (body.files) this.inspectionsQueued()
    return registered
  }

  async list(
    actor: Actor,
    org: string,
    name: string,
    q: ListVersionsQuery,
  ): Promise<Page<VersionRecord> & { model: ModelRecord; next: ReturnType<typeof nextVersions> }> {
    const repos = this.deps.store.pool
    const model = await readableModel(repos, actor, org, name)
    const filter = {
      stage: q.stage,
      status: q.status,
      order: q.order ?? 'desc',
      limit: q.limit ?? 50,
      cursor: q.cursor,
    }
    let page: Page<VersionRecord>
    if (q.at !== undefined) {
      if (q.stage === undefined)
        throw new ValidationError('"at" needs "stage": e.g. ?stage=production&at=2026-01-01T00:00:00Z', { field: 'at' })
      page = await repos.versions.listInStageAt(model.id, q.stage, new Date(q.at).toISOString(), filter)
    } else {
      page = await repos.versions.list(model.id, filter)
    }
    return { ...page, model, next: await this.nextFor(repos, model) }
  }

  async nextFor(repos: RepositoriesOf<Uses>, model: ModelRecord): Promise<ReturnType<typeof nextVersions>> {
    const latest = await repos.versions.findLatest(model.id)
    return nextVersions(latest?.version ?? null)
  }

  async update(actor: Actor, org: string, name: string, ref: string, body: UpdateVersionBody): Promise<ModelVersion> {
    this.checkEditable(body)
    const now = this.deps.clock()
    const id = await this.deps.store.transaction(async (repos) => {
      const { model, version } = await resolveVersion(repos, actor, 'write', org, name, ref, { forUpdate: true })
      const license = body.license ?? version.license
      const next: VersionChanges = {
        description: body.description === undefined ? undefined : multiLine('description', body.description),
        status: body.status,
        author: body.author === undefined ? undefined : singleLine('author', body.author),
        license,
        licenseOther:
          body.license !== undefined || body.licenseOther !== undefined
            ? otherValue('license', license, body.licenseOther)
            : version.licenseOther,
        tags: body.tags === undefined ? undefined : normaliseTags(body.tags),
        metrics: body.metrics,
        source: body.source,
      }
      const changes = diff(version, next)
      if (Object.keys(changes).length === 0) return version.id
      const frozen = isFrozen(version.status)
      for (const field of ['metrics', 'source'] as const) {
        if (frozen && changes[field]) {
          throw new VersionFrozenError(
            `${field} of version ${version.version} cannot change: it is ${version.status}, and its content is frozen`,
            { field, status: version.status },
          )
        }
      }
      if (changes.status && version.status === 'deployed') {
        const active = await repos.deployments.listActive(model.id, version.id)
        if (active.length > 0) {
          throw new ConflictError(
            `version ${version.version} has ${active.length} active deployment(s); stop them before changing its status`,
            { deployments: active.map((d) => d.id) },
          )
        }
      }
      await repos.versions.update(version.id, next, now)
      if (next.tags !== undefined) await repos.versions.replaceTags(version.id, model.id, next.tags)
      await refreshModelSummary(repos, model, { versionDelta: 0, now })
      await appendEvent(repos, model, version, actor, now, 'version.updated', { changes })
      return version.id
    })
    return this.byId(org, name, id)
  }

  /**
   * Deletes a version unless it is deployed. Aliases pointing at it refuse the delete (ALIAS_IN_USE) unless
   * `dropAliases` (MLflow's delete, which takes them along) removes them in the same transaction.
   */
  async delete(
    actor: Actor,
    org: string,
    name: string,
    ref: string,
    opts: { dropAliases?: boolean } = {},
  ): Promise<void> {
    const now = this.deps.clock()
    const digests = await this.deps.store.transaction(async (repos) => {
      const { model, version } = await resolveVersion(repos, actor, 'write', org, name, ref, { forUpdate: true })
      const active = await repos.deployments.listActive(model.id, version.id)
      if (active.length > 0 || version.status === 'deployed') {
        throw new ModelDeployedError(
          `version ${version.version} of "${model.org}/${model.name}" is deployed; stop its deployments first`,
          { versions: [version.version], deployments: active.map((d) => d.id) },
        )
      }
      const aliases = await repos.aliases.listForVersion(version.id)
      if (aliases.length > 0 && opts.dropAliases) {
        for (const alias of aliases) {
          await repos.aliases.delete(alias.id)
          await repos.events.append({
            modelId: model.id,
            org: model.org,
            modelName: model.name,
            version: version.version,
            type: 'alias.moved',
            actor: actor.username,
            at: now,
            data: { alias: alias.name, from: version.version, to: null, protected: alias.protected },
          })
        }
      } else if (aliases.length > 0) {
        const names = aliases.map((a) => a.name)
        throw new AliasInUseError(
          `version ${version.version} of "${model.org}/${model.name}" is what ${names.join(', ')} point(s) to; ` +
            'move or remove those aliases first',
          { version: version.version, aliases: names },
        )
      }
      const digests = await repos.artifacts.digestsOfModel(model.id, version.id)
      await repos.versions.delete(version.id)
      await refreshModelSummary(repos, model, { versionDelta: -1, now })
      await appendEvent(repos, model, version, actor, now, 'version.deleted', {})
      return digests
    })
    await collectBlobs(this.deps, digests)
  }

  /** Moves a version to a stage and records it; optionally archives the previous Production holders at once. */
  async changeStage(
    actor: Actor,
    org: string,
    name: string,
    ref: string,
    body: ChangeStageBody,
    opts: {
      /** MLflow's archive_existing_versions: the other holders of the target stage (Staging or Production) go to Archived. */
      archiveOthersInStage?: boolean
    } = {},
  ): Promise<{ version: ModelVersion; transition: StageTransitionRecord; archived: string[] }> {
    if (body.archivePrevious && body.stage !== 'production') {
      throw new ValidationError('archivePrevious applies only when the stage is "production"', {
        field: 'archivePrevious',
      })
    }
    if (opts.archiveOthersInStage && body.stage !== 'production' && body.stage !== 'staging') {
      throw new ValidationError('archiving the other versions applies only when the stage is Staging or Production', {
        field: 'archive_existing_versions',
      })
    }
    const comment = multiLine('comment', body.comment ?? '')
    // Files uploaded a moment ago are given a few seconds to get their verdicts (ADR 0025).
    if (body.stage === 'production' && body.override === undefined)
      await awaitInspection(this.deps, actor, org, name, ref)
    const now = this.deps.clock()
    const result = await this.deps.store.transaction(async (repos) => {
      const { model, version } = await resolveVersion(repos, actor, 'write', org, name, ref, { forUpdate: true })
      if (version.stage === body.stage) {
        throw new ConflictError(`version ${version.version} is already in ${stageOptions[body.stage as Stage]}`, {
          stage: body.stage,
        })
      }
      // Production is where a dangerous version may not go without an admin's override.
      const overridden =
        body.stage === 'production' || body.override !== undefined
          ? await checkSafety(repos, actor, model, version, 'promote', body.override)
          : undefined
      const move = async (v: VersionRecord, to: Stage, why: string, overrideReason?: string) => {
        await repos.versions.update(v.id, { stage: to }, now)
        const transition = await repos.stageTransitions.insert(
          {
            versionId: v.id,
            modelId: model.id,
            from: v.stage,
            to,
            actor: actor.username,
            comment: why,
            at: now,
            overrideReason,
          },
          v.version,
        )
        await appendEvent(repos, model, v, actor, now, 'stage.changed', {
          from: v.stage,
          to,
          comment: why,
          ...(overrideReason !== undefined && { override: { reason: overrideReason } }),
        })
        return transition
      }
      const archived: string[] = []
      if (body.archivePrevious || opts.archiveOthersInStage) {
        for (const holder of await repos.versions.listInStage(model.id, body.stage)) {
          await move(holder, 'archived', `replaced in ${stageOptions[body.stage as Stage]} by ${version.version}`)
          archived.push(holder.version)
        }
      }
      const transition = await move(version, body.stage, comment, overridden)
      await repos.models.setTopStage(model.id, (await repos.versions.findTopStage(model.id)) ?? null)
      return { id: version.id, transition, archived }
    })
    return { version: await this.byId(org, name, result.id), transition: result.transition, archived: result.archived }
  }

  async stageHistory(actor: Actor, org: string, name: string, ref: string): Promise<StageTransitionRecord[]> {
    const { version } = await resolveVersion(this.deps.store.pool, actor, 'read', org, name, ref)
    return this.deps.store.pool.stageTransitions.listForVersion(version.id, version.version)
  }

  private async byId(org: string, name: string, id: number): Promise<ModelVersion> {
    const model = await findModel(this.deps.store.pool, org, name)
    const version = await this.deps.store.pool.versions.findById(id)
    if (!version) throw new NotFoundError(`version not found in "${org}/${name}"`)
    return { model, version }
  }

  private model(org: string, name: string) {
    return findModel(this.deps.store.pool, org, name)
  }

  private async alreadyExists(repos: RepositoriesOf<Uses>, model: ModelRecord, version: string) {
    const next = await this.nextFor(repos, model)
    const hint = next ? `; next free minor is ${next.minor}` : ''
    return new AlreadyExistsError(`version ${version} already exists${hint}`, { version, next })
  }
}

/** What commitFiles writes (paths already checked by checkArtifactPath). */
export interface FileCommit {
  baseVersionId: number
  /** The base's files as the committer saw them. */
  baseFiles: readonly { path: string; sha256: string }[]
  /** Write into the base (an empty, unfrozen version) instead of a new version. */
  fillBase: boolean
  /** The new version's number; default the next patch after the model's highest version. */
  version?: string
  description: string
  /** Files to add or replace; `staged` bytes are committed inside the transaction, others must be stored already. */
  put: { path: string; sha256: string; size: number; staged?: StagedBlob }[]
  /** Paths of the base to leave out. */
  delete: string[]
}
