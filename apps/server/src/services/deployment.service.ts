import { randomUUID } from 'node:crypto'
import type { CreateDeploymentBody, ListDeploymentsQuery } from '@modelreg/contract'
import { isUniqueViolation } from '../db/database.js'
import { parseModelRef } from '../domain/names.js'
import { AlreadyExistsError, ConflictError, NotFoundError, ValidationError } from '../errors.js'
import type { DeploymentRecord, ModelRecord, Page, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { type AccessUses, canRead, readableModel, standingOf, writableModel } from './access.js'
import { awaitInspection, checkSafety, type GateUses } from './safety-gate.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

export interface DeploymentView {
  deployment: DeploymentRecord
  model: ModelRecord
  version: VersionRecord
}

/** The repositories this module uses (its named dependencies). */
type Uses = 'deployments' | 'events' | 'models' | 'versions' | AccessUses | GateUses | ResolverUses

/** Deployment records: starting one marks the version deployed; stopping the last one makes it completed again. */
export class DeploymentService {
  constructor(private readonly deps: ServiceDeps<Uses>) {}

  async start(actor: Actor, body: CreateDeploymentBody): Promise<DeploymentView> {
    const { org, name } = parseModelRef(body.model)
    // Files uploaded a moment ago are given a few seconds to get their verdicts (ADR 0025).
    if (body.override === undefined) await awaitInspection(this.deps, actor, org, name, body.version)
    const now = this.deps.clock()
    try {
      return await this.deps.store.transaction(async (repos) => {
        const { model, version } = await resolveVersion(repos, actor, 'write', org, name, body.version, {
          forUpdate: true,
        })
        const overridden = await checkSafety(repos, actor, model, version, 'deploy', body.override)
        const deployment = await repos.deployments.insert({
          id: randomUUID(),
          modelId: model.id,
          versionId: version.id,
          environment: body.environment,
          endpoint: body.endpoint ?? null,
          startedBy: actor.username,
          startedAt: now,
        })
        await this.setStatus(repos, model, version, 'deployed', actor, now, deployment.id)
        await repos.events.append({
          modelId: model.id,
          org: model.org,
          modelName: model.name,
          version: version.version,
          type: 'deployment.started',
          actor: actor.username,
          at: now,
          data: {
            deployment: deployment.id,
            environment: deployment.environment,
            endpoint: deployment.endpoint,
            ...(overridden !== undefined && { override: { reason: overridden } }),
          },
        })
        return { deployment, model, version: { ...version, status: 'deployed' } }
      })
    } catch (err) {
      if (isUniqueViolation(err)) {
        throw new AlreadyExistsError(
          `version ${body.version} of "${body.model}" already has an active deployment in "${body.environment}"`,
          { environment: body.environment },
        )
      }
      throw err
    }
  }

  async stop(actor: Actor, id: string): Promise<DeploymentView> {
    const now = this.deps.clock()
    return this.deps.store.transaction(async (repos) => {
      const found = await repos.deployments.findById(id)
      if (!found) throw new NotFoundError(`deployment ${id} not found`, { id })
      const owner = await repos.models.findById(found.modelId)
      const version = await repos.versions.findById(found.versionId)
      if (!owner || !version) throw new NotFoundError(`deployment ${id} not found`, { id })
      const model = await writableModel(repos, actor, owner.org, owner.name, { forUpdate: true }).catch(
        (err: unknown) => {
          throw err instanceof NotFoundError ? new NotFoundError(`deployment ${id} not found`, { id }) : err
        },
      )
      if (!(await repos.deployments.stop(id, actor.username, now))) {
        throw new ConflictError(`deployment ${id} is already stopped`, { id })
      }
      const stillActive = await repos.deployments.listActive(model.id, version.id)
      let status = version.status
      if (stillActive.length === 0 && version.status === 'deployed') {
        await this.setStatus(repos, model, version, 'completed', actor, now, id)
        status = 'completed'
      }
      await repos.events.append({
        modelId: model.id,
        org: model.org,
        modelName: model.name,
        version: version.version,
        type: 'deployment.stopped',
        actor: actor.username,
        at: now,
        data: { deployment: id, environment: found.environment },
      })
      const deployment = (await repos.deployments.findById(id)) ?? found
      return { deployment, model, version: { ...version, status } }
    })
  }

  async get(actor: Actor, id: string): Promise<DeploymentView> {
    const repos = this.deps.store.pool
    const deployment = await repos.deployments.findById(id)
    const model = deployment && (await repos.models.findById(deployment.modelId))
    const version = deployment && (await repos.versions.findById(deployment.versionId))
    const visible = model && canRead(actor, model, await standingOf(repos, actor, model))
    if (!deployment || !model || !version || !visible) throw new NotFoundError(`deployment ${id} not found`, { id })
    return { deployment, model, version }
  }

  async list(actor: Actor, q: ListDeploymentsQuery): Promise<Page<DeploymentView>> {
    const repos = this.deps.store.pool
    let model: ModelRecord | undefined
    let versionId: number | undefined
    if (q.model !== undefined) {
      const ref = parseModelRef(q.model)
      model = await readableModel(repos, actor, ref.org, ref.name)
      if (q.version !== undefined) {
        versionId = (await resolveVersion(repos, actor, 'read', ref.org, ref.name, q.version)).version.id
      }
    } else if (q.version !== undefined) {
      throw new ValidationError('"version" needs "model"', { field: 'version' })
    }
    const page = await repos.deployments.list({
      viewer: actor,
      modelId: model?.id,
      versionId,
      status: q.status,
      limit: q.limit ?? 50,
      cursor: q.cursor,
    })
    const models = new Map<number, ModelRecord>()
    for (const id of new Set(page.items.map((d) => d.modelId))) {
      const m = await repos.models.findById(id)
      if (m) models.set(id, m)
    }
    const versions = await repos.versions.findByIds([...new Set(page.items.map((d) => d.versionId))])
    return {
      items: page.items.flatMap((deployment) => {
        const m = models.get(deployment.modelId)
        const v = versions.get(deployment.versionId)
        return m && v ? [{ deployment, model: m, version: v }] : []
      }),
      nextCursor: page.nextCursor,
    }
  }

  private async setStatus(
    repos: RepositoriesOf<Uses>,
    model: ModelRecord,
    version: VersionRecord,
    status: 'deployed' | 'completed',
    actor: Actor,
    now: string,
    deployment: string,
  ): Promise<void> {
    if (version.status === status) return
    await repos.versions.update(version.id, { status }, now)
    await repos.events.append({
      modelId: model.id,
      org: model.org,
      modelName: model.name,
      version: version.version,
      type: 'version.updated',
      actor: actor.username,
      at: now,
      data: { changes: { status: { before: version.status, after: status } }, deployment },
    })
  }
}
