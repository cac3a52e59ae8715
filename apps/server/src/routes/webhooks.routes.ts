// Webhooks of an organisation (organisation admins): thin HTTP over services/webhook.service.ts.
import {
  CreateWebhookBody,
  DeliveryPage,
  ListDeliveriesQuery,
  OrgParams,
  QueuedDelivery,
  UpdateWebhookBody,
  type Webhook,
  type WebhookDelivery,
  WebhookDeliveryParams,
  WebhookList,
  WebhookParams,
  Webhook as WebhookSchema,
  WebhookWithSecret,
} from '@modelreg/contract'
import { Type } from 'typebox'
import type { AttemptRecord, DeliveryRecord, WebhookRecord } from '../repositories/webhook.repository.js'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const tags = ['Webhooks']
const errs = { ...errors, 401: errors[400], 403: errors[400] }
const who = 'Organisation admins only: other members get 403 FORBIDDEN, people outside the organisation 404 NOT_FOUND.'

export function webhookRoutes(app: App, services: Services): void {
  app.post(
    '/api/v1/orgs/:org/webhooks',
    {
      schema: {
        tags,
        summary: 'Create a webhook',
        description:
          `${who} The response carries the secret that signs deliveries; it is never shown again. URLs that ` +
          'resolve to loopback, private, link-local or metadata addresses are refused (400 VALIDATION_FAILED) ' +
          'unless the registry runs with MODELREG_WEBHOOK_ALLOW_PRIVATE=true (metadata addresses always).',
        params: OrgParams,
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...errs },
      },
    },
    async (req, reply) => {
      const hook = await services.webhooks.create(req.actor, req.params.org, req.body)
      return reply.code(201).send({ ...toWebhookResponse(hook), secret: hook.secret })
    },
  )

  app.get(
    '/api/v1/orgs/:org/webhooks',
    {
      schema: {
        tags,
        summary: 'List the webhooks of an organisation',
        description: who,
        params: OrgParams,
        response: { 200: WebhookList, ...errs },
      },
    },
    async (req) => ({ items: (await services.webhooks.list(req.actor, req.params.org)).map(toWebhookResponse) }),
  )

  app.get(
    '/api/v1/orgs/:org/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Read a webhook (never its secret)',
        description: who,
        params: WebhookParams,
        response: { 200: WebhookSchema, ...errs },
      },
    },
    async (req) => toWebhookResponse(await services.webhooks.get(req.actor, req.params.org, req.params.id)),
  )

  app.patch(
    '/api/v1/orgs/:org/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Change, pause, resume a webhook or rotate its secret',
        description:
          `${who} With "rotateSecret": true the response carries the new secret (shown once); the previous one ` +
          'keeps signing deliveries, beside the new one, for 24 hours.',
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: Type.Union([WebhookWithSecret, WebhookSchema]), ...errs },
      },
    },
    async (req) => {
      const hook = await services.webhooks.update(req.actor, req.params.org, req.params.id, req.body)
      return req.body.rotateSecret ? { ...toWebhookResponse(hook), secret: hook.secret } : toWebhookResponse(hook)
    },
  )

  app.delete(
    '/api/v1/orgs/:org/webhooks/:id',
    {
      schema: {
        tags,
        summary: 'Delete a webhook and its delivery log',
        description: who,
        params: WebhookParams,
        response: { 204: Type.Null(), ...errs },
      },
    },
    async (req, reply) => {
      await services.webhooks.remove(req.actor, req.params.org, req.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/orgs/:org/webhooks/:id/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of a webhook',
        description: `${who} Newest first, each delivery with its attempts (status, latency, response excerpt).`,
        params: WebhookParams,
        querystring: ListDeliveriesQuery,
        response: { 200: DeliveryPage, ...errs },
      },
    },
    async (req) => {
      const page = await services.webhooks.deliveries(req.actor, req.params.org, req.params.id, req.query)
      return { items: page.items.map(toDeliveryResponse), nextCursor: page.nextCursor }
    },
  )

  app.post(
    '/api/v1/orgs/:org/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      schema: {
        tags,
        summary: 'Send a delivery again',
        description: `${who} The same delivery id and body, with a fresh retry period.`,
        params: WebhookDeliveryParams,
        response: { 202: QueuedDelivery, ...errs },
      },
    },
    async (req, reply) => {
      const { org, id, deliveryId } = req.params
      const d = await services.webhooks.redeliver(req.actor, org, id, deliveryId)
      return reply.code(202).send({ id: d.id, status: d.status })
    },
  )

  app.post(
    '/api/v1/orgs/:org/webhooks/:id/ping',
    {
      schema: {
        tags,
        summary: 'Send a ping delivery',
        description: `${who} Queues a signed "ping" delivery; its outcome shows in the delivery log.`,
        params: WebhookParams,
        response: { 202: QueuedDelivery, ...errs },
      },
    },
    async (req, reply) => {
      const d = await services.webhooks.ping(req.actor, req.params.org, req.params.id)
      return reply.code(202).send({ id: d.id, status: 'pending' as const })
    },
  )
}

function toWebhookResponse(w: WebhookRecord): Webhook {
  return {
    id: w.id,
    org: w.org,
    url: w.url,
    model: w.modelName === null ? null : `${w.org}/${w.modelName}`,
    events: w.events,
    description: w.description,
    enabled: w.enabled,
    disabledReason: w.disabledReason,
    previousSecretValidUntil:
      w.previousSecretUntil !== null && w.previousSecretUntil > Date.now()
        ? new Date(w.previousSecretUntil).toISOString()
        : null,
    createdBy: w.createdBy,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  }
}

function toDeliveryResponse(d: DeliveryRecord & { log: AttemptRecord[] }): WebhookDelivery {
  const last = d.log[d.log.length - 1]
  return {
    id: d.id,
    event: d.eventType,
    eventId: d.eventId,
    model: d.model,
    attempt: d.attempts,
    status: d.status,
    responseStatus: last?.responseStatus ?? null,
    durationMs: last?.durationMs ?? null,
    at: last?.at ?? d.createdAt,
    nextAttemptAt: d.status === 'pending' && d.nextAttemptAt > 0 ? new Date(d.nextAttemptAt).toISOString() : null,
    attempts: d.log,
  }
}
