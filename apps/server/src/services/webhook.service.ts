// Webhooks of an organisation: who may manage them (its admins; others 403, 404 where the organisation is not
// theirs to see), which URLs they may point at (the SSRF guard), their secrets (shown once, rotated with an
// overlap) and their delivery log. Sending is the worker's (webhook-worker.ts).
import { randomBytes, randomUUID } from 'node:crypto'
import type { CreateWebhookBody, ListDeliveriesQuery, UpdateWebhookBody, WebhookPayload } from '@modelreg/contract'
import { modelNameKey } from '../domain/names.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import type { Page } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import type { AttemptRecord, DeliveryRecord, WebhookRecord } from '../repositories/webhook.repository.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { urlProblem } from './webhook-sender.js'

export interface WebhookSettings {
  /** Loopback, private and link-local receivers allowed (MODELREG_WEBHOOK_ALLOW_PRIVATE). */
  readonly allowPrivate: boolean
  /** How long a rotated-out secret still signs deliveries (default 24 h). */
  readonly secretOverlapMs?: number
}

/** The repositories this module uses (its named dependencies). */
type Uses = 'audit' | 'models' | 'organisations' | 'users' | 'webhooks'

export const DEFAULT_SECRET_OVERLAP_MS = 24 * 3600_000

export class WebhookService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly settings: WebhookSettings,
    /** Wakes the delivery worker once a redelivery or ping is committed (`Store.deliveriesQueued`). */
    private readonly deliveriesQueued: () => void,
  ) {}

  async list(actor: Actor, org: string): Promise<WebhookRecord[]> {
    const o = await this.orgAdmin(actor, org, 'read')
    return this.deps.store.pool.webhooks.list(o.id)
  }

  async get(actor: Actor, org: string, id: string): Promise<WebhookRecord> {
    const o = await this.orgAdmin(actor, org, 'read')
    return this.find(this.deps.store.pool, o, id)
  }

  /** Creates a webhook; the only time (with rotation) its secret leaves the registry. */
  async create(actor: Actor, org: string, body: CreateWebhookBody): Promise<WebhookRecord> {
    const o = await this.orgAdmin(actor, org, 'write')
    await this.checkUrl(body.url)
    const now = this.deps.clock()
    const id = randomUUID()
    await this.deps.store.transaction(async (repos) => {
      const model = body.model === undefined ? undefined : await modelOf(repos, o.name, body.model)
      await repos.webhooks.insert({
        id,
        orgId: o.id,
        modelId: model?.id ?? null,
        modelName: model?.name ?? null,
        url: body.url,
        events: body.events ?? [],
        description: body.description ?? '',
        secret: newSecret(),
        enabled: true,
        disabledReason: null,
        createdBy: actor.username,
        createdAt: now,
        updatedAt: now,
      })
      await audit(repos, 'webhook.created', actor, now, { org: o.name, webhook: id, url: body.url })
    })
    return this.find(this.deps.store.pool, o, id)
  }

  async update(actor: Actor, org: string, id: string, body: UpdateWebhookBody): Promise<WebhookRecord> {
    const o = await this.orgAdmin(actor, org, 'write')
    if (body.url !== undefined) await this.checkUrl(body.url)
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const hook = await this.find(repos, o, id)
      const model =
        body.model === undefined || body.model === null ? body.model : await modelOf(repos, o.name, body.model)
      const rotate = body.rotateSecret === true
      await repos.webhooks.update(hook.id, {
        updatedAt: now,
        url: body.url,
        events: body.events,
        description: body.description,
        ...(model !== undefined && { modelId: model?.id ?? null, modelName: model?.name ?? null }),
        ...(body.enabled !== undefined &&
          body.enabled !== hook.enabled && {
            enabled: body.enabled,
            disabledReason: body.enabled ? null : `paused by ${actor.username}`,
          }),
        ...(rotate && {
          secret: newSecret(),
          previousSecret: hook.secret,
          previousSecretUntil: Date.parse(now) + (this.settings.secretOverlapMs ?? DEFAULT_SECRET_OVERLAP_MS),
        }),
      })
      const changed = Object.keys(body)
      await audit(repos, 'webhook.updated', actor, now, { org: o.name, webhook: id, changed })
    })
    // Enabling a webhook again lets its waiting deliveries go.
    if (body.enabled === true) this.deliveriesQueued()
    return this.find(this.deps.store.pool, o, id)
  }

  async remove(actor: Actor, org: string, id: string): Promise<void> {
    const o = await this.orgAdmin(actor, org, 'write')
    const now = this.deps.clock()
    await this.deps.store.transaction(async (repos) => {
      const hook = await this.find(repos, o, id)
      await repos.webhooks.delete(hook.id)
      await audit(repos, 'webhook.deleted', actor, now, { org: o.name, webhook: id, url: hook.url })
    })
  }

  async deliveries(
    actor: Actor,
    org: string,
    id: string,
    q: ListDeliveriesQuery,
  ): Promise<Page<DeliveryRecord & { log: AttemptRecord[] }>> {
    const o = await this.orgAdmin(actor, org, 'read')
    const repos = this.deps.store.pool
    const hook = await this.find(repos, o, id)
    return repos.webhooks.listDeliveries(hook.id, { status: q.status, limit: q.limit ?? 50, cursor: q.cursor })
  }

  /** Sends a delivery again, with the same id and body; it waits behind earlier pending ones of its model. */
  async redeliver(actor: Actor, org: string, id: string, deliveryId: string): Promise<DeliveryRecord> {
    const o = await this.orgAdmin(actor, org, 'write')
    const repos = this.deps.store.pool
    const hook = await this.find(repos, o, id)
    const delivery = await repos.webhooks.findDelivery(hook.id, deliveryId)
    if (!delivery) throw new NotFoundError(`webhook ${id} has no delivery ${deliveryId}`, { delivery: deliveryId })
    await repos.webhooks.requeue(delivery.seq, 0)
    this.deliveriesQueued()
    return { ...delivery, status: 'pending' }
  }

  /** Queues a `ping` delivery (about no model: it waits for nothing). */
  async ping(actor: Actor, org: string, id: string): Promise<{ id: string }> {
    const o = await this.orgAdmin(actor, org, 'write')
    const repos = this.deps.store.pool
    const hook = await this.find(repos, o, id)
    const now = this.deps.clock()
    const deliveryId = randomUUID()
    const payload: WebhookPayload = {
      id: deliveryId,
      type: 'ping',
      eventId: null,
      org: o.name,
      model: null,
      version: null,
      actor: actor.username,
      at: now,
      data: { webhook: hook.id },
    }
    await repos.webhooks.enqueue([
      {
        id: deliveryId,
        webhookId: hook.id,
        eventId: null,
        eventType: 'ping',
        modelId: 0,
        model: null,
        payload: JSON.stringify(payload),
        nextAttemptAt: 0,
        createdAt: now,
      },
    ])
    this.deliveriesQueued()
    return { id: deliveryId }
  }

  private async checkUrl(url: string): Promise<void> {
    const problem = await urlProblem(url, this.settings.allowPrivate)
    if (problem !== undefined) {
      throw new ValidationError(`webhooks cannot be sent to ${url}: ${problem}`, { field: 'url' })
    }
  }

  private async find(repos: RepositoriesOf<Uses>, o: { id: string; name: string }, id: string): Promise<WebhookRecord> {
    const hook = await repos.webhooks.find(o.id, id)
    if (!hook) throw new NotFoundError(`organisation "${o.name}" has no webhook ${id}`, { webhook: id })
    return hook
  }

  /** The organisation if the actor administers it; 404 if they may not see it, 403 if they may not manage it. */
  private async orgAdmin(actor: Actor, org: string, need: 'read' | 'write'): Promise<{ id: string; name: string }> {
    const repos = this.deps.store.pool
    const found = await repos.organisations.findByName(org)
    const role = found && (await repos.users.memberships(actor.userId)).find((m) => m.orgId === found.id)?.role
    if (!found || (role === undefined && !actor.siteAdmin)) {
      throw new NotFoundError(`organisation "${org}" not found`, { org })
    }
    if (!actor.siteAdmin && role !== 'admin') throw new ForbiddenError(`only admins of "${org}" manage its webhooks`)
    if (need === 'write' && actor.scope === 'read') throw new ForbiddenError('this token is read-only')
    return found
  }
}

async function modelOf(repos: RepositoriesOf<Uses>, org: string, name: string): Promise<{ id: number; name: string }> {
  const model = await repos.models.findByName(org, modelNameKey(name))
  if (!model) throw new NotFoundError(`model "${org}/${name}" not found`, { model: `${org}/${name}` })
  return model
}

function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64url')}`
}

function audit(repos: RepositoriesOf<Uses>, type: string, actor: Actor, at: string, data: Record<string, unknown>) {
  return repos.audit.append({ type, actor: actor.username, ip: null, at, data })
}
