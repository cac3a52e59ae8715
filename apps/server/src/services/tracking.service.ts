// Experiments and runs of an organisation (the tracking side MLflow's clients log to) and the files runs log.
// Every member of the organisation reads them; members and admins with a write-scoped credential write them
// (viewers only read). Outside the organisation nothing exists: not found, as for models.
import { randomBytes } from 'node:crypto'
import type { Readable } from 'node:stream'
import { BlobMissingError, ChecksumMismatchError, SizeLimitError } from '../blobs/blob-store.js'
import { isUniqueViolation } from '../db/database.js'
import { checkArtifactPath, mediaTypeOf } from '../domain/artifact-path.js'
import { AlreadyExistsError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import type {
  ExperimentRecord,
  KeyValue,
  MetricValue,
  RunArtifactRecord,
  RunRecord,
  RunSearchClause,
} from '../repositories/tracking.repository.js'
import { type CollectorUses, collectBlobs } from './blob-collector.js'
import type { Actor, ServiceDeps } from './service-deps.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'blobs' | 'organisations' | 'tracking' | 'users' | CollectorUses

export const DEFAULT_EXPERIMENT = 'Default'
export const trackingLimits = { name: 500, key: 250, paramValue: 6000, tagValue: 8000, batch: 1000 } as const

export interface RunDetail {
  run: RunRecord
  params: KeyValue[]
  metrics: MetricValue[]
  tags: KeyValue[]
}

export class TrackingService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async createExperiment(actor: Actor, org: string, name: string): Promise<ExperimentRecord> {
    const orgId = await this.orgFor(actor, org, 'write')
    checkName('experiment name', name)
    try {
      return await this.deps.store.pool.tracking.insertExperiment({
        orgId,
        name,
        createdBy: actor.username,
        now: this.deps.clock(),
      })
    } catch (err) {
      if (isUniqueViolation(err)) throw new AlreadyExistsError(`an experiment named "${name}" already exists`, { name })
      throw err
    }
  }

  /** An experiment by id; id 0 is the organisation's Default experiment (made on first use, as MLflow has one). */
  async getExperiment(actor: Actor, org: string, id: number): Promise<ExperimentRecord> {
    const orgId = await this.orgFor(actor, org, 'read')
    if (id === 0) return this.defaultExperiment(actor, orgId)
    const experiment = await this.deps.store.pool.tracking.findExperiment(id)
    if (!experiment || experiment.orgId !== orgId) throw new NotFoundError(`experiment ${id} not found`, { id })
    return experiment
  }

  async getExperimentByName(actor: Actor, org: string, name: string): Promise<ExperimentRecord> {
    const orgId = await this.orgFor(actor, org, 'read')
    if (name === DEFAULT_EXPERIMENT) return this.defaultExperiment(actor, orgId)
    const experiment = await this.deps.store.pool.tracking.findExperimentByName(orgId, name)
    if (!experiment) throw new NotFoundError(`experiment "${name}" not found`, { name })
    return experiment
  }

  /** A page of the organisation's experiments, newest first, whose names match every clause. */
  async listExperiments(
    actor: Actor,
    org: string,
    offset: number,
    limit: number,
    nameClauses: readonly { op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }[] = [],
  ): Promise<ExperimentRecord[]> {
    const orgId = await this.orgFor(actor, org, 'read')
    return this.deps.store.pool.tracking.searchExperiments(orgId, nameClauses, offset, limit)
  }

  async createRun(
    actor: Actor,
    org: string,
    input: { experimentId: number; name?: string; startTime?: number; tags: KeyValue[] },
  ): Promise<RunDetail> {
    await this.orgFor(actor, org, 'write')
    const experiment = await this.getExperiment(actor, org, input.experimentId)
    const id = randomBytes(16).toString('hex')
    const name = input.name || `run-${id.slice(0, 8)}`
    checkName('run name', name)
    for (const t of input.tags) checkKeyValue('tag', t, trackingLimits.tagValue)
    await this.deps.store.transaction(async (repos) => {
      await repos.tracking.insertRun({
        id,
        experimentId: experiment.id,
        name,
        status: 'RUNNING',
        createdBy: actor.username,
        startTime: input.startTime ?? Date.now(),
      })
      for (const t of input.tags) await repos.tracking.setTag(id, t)
    })
    return this.getRun(actor, org, id)
  }

  async getRun(actor: Actor, org: string, runId: string): Promise<RunDetail> {
    const run = await this.readableRun(this.deps.store.pool, actor, org, runId)
    return (await this.details(this.deps.store.pool, [run]))[0] as RunDetail
  }

  async searchRuns(
    actor: Actor,
    org: string,
    experimentIds: number[],
    offset: number,
    limit: number,
    clauses: readonly RunSearchClause[] = [],
  ): Promise<RunDetail[]> {
    const orgId = await this.orgFor(actor, org, 'read')
    const ids: number[] = []
    for (const id of experimentIds) {
      const e =
        id === 0 ? await this.defaultExperiment(actor, orgId) : await this.deps.store.pool.tracking.findExperiment(id)
      if (e && e.orgId === orgId) ids.push(e.id)
    }
    const runs = await this.deps.store.pool.tracking.listRuns(ids, offset, limit, clauses)
    return this.details(this.deps.store.pool, runs)
  }

  /** A page of one metric's logged values (MLflow's get_metric_history), in step then time order. */
  async metricHistory(
    actor: Actor,
    org: string,
    runId: string,
    key: string,
    offset: number,
    limit: number,
  ): Promise<MetricValue[]> {
    const run = await this.readableRun(this.deps.store.pool, actor, org, runId)
    return this.deps.store.pool.tracking.metricHistory(run.id, key, offset, limit)
  }

  async updateRun(
    actor: Actor,
    org: string,
    runId: string,
    change: { status?: string; endTime?: number; name?: string },
  ): Promise<RunRecord> {
    const run = await this.writableRun(actor, org, runId)
    if (change.status !== undefined && !RUN_STATUSES.has(change.status)) {
      throw new ValidationError(`status must be one of ${[...RUN_STATUSES].join(', ')}`, { field: 'status' })
    }
    if (change.name !== undefined) checkName('run name', change.name)
    await this.deps.store.pool.tracking.updateRun(run.id, change)
    return (await this.deps.store.pool.tracking.findRun(run.id)) as RunRecord
  }

  /** Params, metrics and tags in one transaction (log-param, log-metric, set-tag and log-batch). */
  async log(
    actor: Actor,
    org: string,
    runId: string,
    batch: { params?: KeyValue[]; metrics?: MetricValue[]; tags?: KeyValue[] },
  ): Promise<void> {
    const run = await this.writableRun(actor, org, runId)
    const params = batch.params ?? []
    const metrics = batch.metrics ?? []
    const tags = batch.tags ?? []
    if (params.length + metrics.length + tags.length > trackingLimits.batch) {
      throw new ValidationError(`a batch holds at most ${trackingLimits.batch} params, metrics and tags together`)
    }
    for (const p of params) checkKeyValue('param', p, trackingLimits.paramValue)
    for (const t of tags) checkKeyValue('tag', t, trackingLimits.tagValue)
    for (const m of metrics) {
      checkKey('metric', m.key)
      if (!Number.isFinite(m.value) && !Number.isNaN(m.value)) {
        // ±Infinity are valid MLflow metric values; they are stored as the largest finite doubles.
        m.value = m.value > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE
      }
      if (Number.isNaN(m.value)) throw new ValidationError(`metric "${m.key}" is not a number`, { field: 'value' })
    }
    await this.deps.store.transaction(async (repos) => {
      for (const p of params) {
        const existing = await repos.tracking.findParam(run.id, p.key)
        if (existing !== undefined && existing !== p.value) {
          throw new ValidationError(
            `param "${p.key}" was already logged with value "${existing}"; params cannot change (new value "${p.value}")`,
            { field: 'params' },
          )
        }
        await repos.tracking.insertParam(run.id, p)
      }
      await repos.tracking.insertMetrics(run.id, metrics)
      for (const t of tags) await repos.tracking.setTag(run.id, t)
    })
  }

  async deleteTag(actor: Actor, org: string, runId: string, key: string): Promise<void> {
    const run = await this.writableRun(actor, org, runId)
    await this.deps.store.pool.tracking.deleteTag(run.id, key)
  }

  /** The run's final metric values, as a version's metrics (names the version's metrics accept). */
  async finalMetrics(actor: Actor, org: string, runId: string): Promise<Record<string, number>> {
    const { metrics } = await this.getRun(actor, org, runId)
    const out: Record<string, number> = {}
    for (const m of metrics.slice(0, 200)) if (/^[A-Za-z0-9_.:/ -]{1,128}$/.test(m.key)) out[m.key] = m.value
    return out
  }

  async putArtifact(
    actor: Actor,
    org: string,
    runId: string,
    artifactPath: string,
    body: Readable,
    opts: { contentType?: string; signal?: AbortSignal },
  ): Promise<RunArtifactRecord> {
    const path = checkArtifactPath(artifactPath)
    const run = await this.writableRun(actor, org, runId)
    const staged = await this.deps.blobs
      .stage(body, { maxBytes: this.deps.limits.maxArtifactBytes, signal: opts.signal })
      .catch((err: unknown) => {
        if (err instanceof SizeLimitError) {
          throw new DomainError('PAYLOAD_TOO_LARGE', `${err.message}; nothing was stored`, { limit: err.limit })
        }
        if (err instanceof ChecksumMismatchError) throw new DomainError('CHECKSUM_MISMATCH', err.message)
        throw err
      })
    const now = this.deps.clock()
    try {
      const replaced = await this.deps.store.transaction(async (repos) => {
        await repos.blobs.upsert(staged.info.sha256, staged.info.size, now)
        await staged.commit()
        const { replaced } = await repos.tracking.putArtifact({
          runId: run.id,
          path,
          size: staged.info.size,
          sha256: staged.info.sha256,
          mediaType: mediaTypeOf(path, opts.contentType),
          createdAt: now,
        })
        return replaced
      })
      if (replaced) await collectBlobs(this.deps, [replaced])
      return (await this.deps.store.pool.tracking.findArtifact(run.id, path)) as RunArtifactRecord
    } finally {
      await staged.discard()
    }
  }

  /** The entries of one folder of a run's files: files with their size, and sub-folders. */
  async listArtifacts(
    actor: Actor,
    org: string,
    runId: string,
    folder: string,
  ): Promise<{ path: string; isDir: boolean; size?: number }[]> {
    const prefix = folder === '' ? '' : checkArtifactPath(folder)
    const run = await this.readableRun(this.deps.store.pool, actor, org, runId)
    return folderEntries(await this.deps.store.pool.tracking.listArtifacts(run.id, prefix), prefix)
  }

  async getArtifact(actor: Actor, org: string, runId: string, artifactPath: string) {
    const path = checkArtifactPath(artifactPath)
    const run = await this.readableRun(this.deps.store.pool, actor, org, runId)
    const artifact = await this.deps.store.pool.tracking.findArtifact(run.id, path)
    if (!artifact) throw new NotFoundError(`run ${run.id} has no file "${path}"`, { path })
    const body = await this.deps.blobs.get(artifact.sha256).catch((err: unknown) => {
      if (err instanceof BlobMissingError) {
        throw new DomainError('ARTIFACT_MISSING', `the bytes of "${path}" are missing from the blob store`, { path })
      }
      throw err
    })
    return { artifact, body }
  }

  async deleteArtifact(actor: Actor, org: string, runId: string, artifactPath: string): Promise<void> {
    const path = checkArtifactPath(artifactPath)
    const run = await this.writableRun(actor, org, runId)
    const artifact = await this.deps.store.pool.tracking.findArtifact(run.id, path)
    if (!artifact) throw new NotFoundError(`run ${run.id} has no file "${path}"`, { path })
    await this.deps.store.pool.tracking.deleteArtifact(run.id, path)
    await collectBlobs(this.deps, [artifact.sha256])
  }

  /** A page of an experiment's runs, newest first, each with the versions registered from it (the Experiments page). */
  async runsWithVersions(actor: Actor, org: string, experimentId: number, limit: number) {
    const runs = await this.searchRuns(actor, org, [experimentId], 0, limit)
    const versions = await this.deps.store.pool.tracking.versionsOfRuns(
      runs.map((r) => r.run.id),
      actor,
    )
    return runs.map((r) => ({ ...r, versions: versions.get(r.run.id) ?? [] }))
  }

  /** The versions registered from a run (the Experiments page's "registered as"). */
  async versionsOf(actor: Actor, org: string, runId: string) {
    await this.readableRun(this.deps.store.pool, actor, org, runId)
    return this.deps.store.pool.tracking.versionsOfRun(runId, actor)
  }

  private async defaultExperiment(actor: Actor, orgId: string): Promise<ExperimentRecord> {
    const repos = this.deps.store.pool
    const found = await repos.tracking.findExperimentByName(orgId, DEFAULT_EXPERIMENT)
    if (found) return found
    try {
      return await repos.tracking.insertExperiment({
        orgId,
        name: DEFAULT_EXPERIMENT,
        createdBy: actor.username,
        now: this.deps.clock(),
      })
    } catch (err) {
      // Another request made it first.
      if (!isUniqueViolation(err)) throw err
      return (await repos.tracking.findExperimentByName(orgId, DEFAULT_EXPERIMENT)) as ExperimentRecord
    }
  }

  private async readableRun(repos: RepositoriesOf<Uses>, actor: Actor, org: string, runId: string): Promise<RunRecord> {
    const orgId = await this.orgFor(actor, org, 'read')
    const run = /^[0-9a-f]{32}$/.test(runId) ? await repos.tracking.findRun(runId) : undefined
    if (!run || run.orgId !== orgId) throw new NotFoundError(`run "${runId}" not found`, { runId })
    return run
  }

  private async writableRun(actor: Actor, org: string, runId: string): Promise<RunRecord> {
    await this.orgFor(actor, org, 'write')
    return this.readableRun(this.deps.store.pool, actor, org, runId)
  }

  /** The organisation's id if the actor may read (or write) its tracking data; not found outside it. */
  private async orgFor(actor: Actor, org: string, need: 'read' | 'write'): Promise<string> {
    const repos = this.deps.store.pool
    const organisation = await repos.organisations.findByName(org)
    const role = (await repos.users.memberships(actor.userId)).find((m) => m.org === org)?.role
    if (!organisation || (role === undefined && !actor.siteAdmin)) {
      throw new NotFoundError(`organisation "${org}" not found`, { org })
    }
    if (need === 'write') {
      if (actor.scope === 'read') throw new ForbiddenError('this token is read-only')
      if (role === 'viewer' && !actor.siteAdmin) throw new ForbiddenError(`viewers of "${org}" cannot log runs`)
    }
    return organisation.id
  }

  private async details(repos: RepositoriesOf<Uses>, runs: RunRecord[]): Promise<RunDetail[]> {
    const ids = runs.map((r) => r.id)
    const [params, metrics, tags] = await Promise.all([
      repos.tracking.paramsOf(ids),
      repos.tracking.latestMetricsOf(ids),
      repos.tracking.tagsOf(ids),
    ])
    return runs.map((run) => ({
      run,
      params: params.get(run.id) ?? [],
      metrics: metrics.get(run.id) ?? [],
      tags: tags.get(run.id) ?? [],
    }))
  }
}

const RUN_STATUSES = new Set(['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'])

function checkName(what: string, name: string): void {
  if (name.length === 0 || name.length > trackingLimits.name || /\p{Cc}/u.test(name)) {
    throw new ValidationError(`${what} must be 1–${trackingLimits.name} characters without control characters`, {
      field: 'name',
    })
  }
}

function checkKey(what: string, key: string): void {
  if (key.length === 0 || key.length > trackingLimits.key || /\p{Cc}/u.test(key) || key.includes('..')) {
    throw new ValidationError(
      `${what} key "${key}" must be 1–${trackingLimits.key} characters, no control characters`,
      {
        field: 'key',
      },
    )
  }
}

function checkKeyValue(what: string, kv: KeyValue, maxValue: number): void {
  checkKey(what, kv.key)
  if (kv.value.length > maxValue) {
    throw new ValidationError(`${what} "${kv.key}" has a value longer than ${maxValue} characters`, { field: 'value' })
  }
}

/** The entries directly inside folder `prefix` ('' for the root) of a set of file paths: files and sub-folders. */
export function folderEntries(
  files: readonly { path: string; size: number }[],
  prefix: string,
): { path: string; isDir: boolean; size?: number }[] {
  const entries = new Map<string, { path: string; isDir: boolean; size?: number }>()
  for (const f of files) {
    if (prefix !== '' && !f.path.startsWith(`${prefix}/`)) continue
    const rest = prefix === '' ? f.path : f.path.slice(prefix.length + 1)
    const slash = rest.indexOf('/')
    const name = slash === -1 ? rest : rest.slice(0, slash)
    const full = prefix === '' ? name : `${prefix}/${name}`
    if (slash === -1) entries.set(full, { path: full, isDir: false, size: f.size })
    else if (!entries.has(full)) entries.set(full, { path: full, isDir: true })
  }
  return [...entries.values()]
}
