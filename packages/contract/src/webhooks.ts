// Webhooks: an organisation's subscriptions to its registry events, and the log of their deliveries.
import { type Static, Type } from 'typebox'
import { Cursor, Limit, Line, LinkUrl, Nullable, Timestamp } from './common.js'
import { EventType, eventTypes } from './events.js'

/** The event types a webhook may subscribe to: every event the registry records. `ping` is sent on request only. */
export const webhookEventTypes = eventTypes
export type WebhookEventType = (typeof webhookEventTypes)[number]

/** Headers of every delivery (docs/webhooks.md). */
export const WEBHOOK_SIGNATURE_HEADER = 'x-modelreg-signature'
export const WEBHOOK_EVENT_HEADER = 'x-modelreg-event'
export const WEBHOOK_DELIVERY_HEADER = 'x-modelreg-delivery'

const WebhookUrl = LinkUrl({ maxLength: 2048, description: 'Where deliveries are POSTed (http or https).' })
const Events = Type.Array(EventType, {
  maxItems: webhookEventTypes.length,
  uniqueItems: true,
  description: 'Event types to deliver; empty or absent: all of them.',
})
const Description = Line({ maxLength: 200, description: 'What the webhook is for.' })
const ModelName = Line({
  minLength: 1,
  maxLength: 200,
  description: 'Narrow to one model of the organisation (its name).',
})

export const OrgParams = Type.Object({ org: Type.String({ maxLength: 64 }) })
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
export const WebhookParams = Type.Object({
  org: Type.String({ maxLength: 64 }),
  id: Type.String({ pattern: UUID, description: 'Webhook id (UUID).' }),
})
export const WebhookDeliveryParams = Type.Object({
  org: Type.String({ maxLength: 64 }),
  id: Type.String({ pattern: UUID, description: 'Webhook id (UUID).' }),
  deliveryId: Type.String({ pattern: UUID, description: 'Delivery id (UUID), as sent in X-Modelreg-Delivery.' }),
})

export const CreateWebhookBody = Type.Object(
  {
    url: WebhookUrl,
    events: Type.Optional(Events),
    model: Type.Optional(ModelName),
    description: Type.Optional(Description),
  },
  { additionalProperties: false },
)
export type CreateWebhookBody = Static<typeof CreateWebhookBody>

export const UpdateWebhookBody = Type.Object(
  {
    url: Type.Optional(WebhookUrl),
    events: Type.Optional(Events),
    model: Type.Optional(Nullable(ModelName)),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean({ description: 'false pauses deliveries; true resumes them.' })),
    rotateSecret: Type.Optional(
      Type.Boolean({
        description:
          'true: a new secret, returned once in this response; the previous one stays valid for the overlap ' +
          '(deliveries carry a signature for each).',
      }),
    ),
  },
  { additionalProperties: false },
)
export type UpdateWebhookBody = Static<typeof UpdateWebhookBody>

export const Webhook = Type.Object(
  {
    id: Type.String(),
    org: Type.String(),
    url: Type.String(),
    model: Nullable(Type.String({ description: 'org/name when narrowed to one model.' })),
    events: Type.Array(EventType, { description: 'Empty: all event types.' }),
    description: Type.String(),
    enabled: Type.Boolean(),
    disabledReason: Nullable(Type.String({ description: 'Why the registry disabled it (or who paused it).' })),
    previousSecretValidUntil: Nullable(Timestamp),
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'A subscription of an organisation to its events. The secret is never shown after it is made.' },
)
export type Webhook = Static<typeof Webhook>

export const WebhookWithSecret = Type.Intersect([
  Webhook,
  Type.Object({
    secret: Type.String({ description: 'Signs deliveries (HMAC-SHA256). Shown only in this response.' }),
  }),
])
export type WebhookWithSecret = Static<typeof WebhookWithSecret>

export const WebhookList = Type.Object({ items: Type.Array(Webhook) })
export type WebhookList = Static<typeof WebhookList>

export const DeliveryStatus = Type.Enum(['pending', 'succeeded', 'failed'])
export type DeliveryStatus = Static<typeof DeliveryStatus>

export const DeliveryAttempt = Type.Object({
  attempt: Type.Integer(),
  at: Timestamp,
  succeeded: Type.Boolean(),
  responseStatus: Nullable(Type.Integer()),
  durationMs: Type.Integer(),
  error: Nullable(Type.String({ description: 'Why it failed when no response came (timeout, refused address…).' })),
  responseExcerpt: Nullable(Type.String({ description: 'The first bytes of the response body.' })),
})
export type DeliveryAttempt = Static<typeof DeliveryAttempt>

export const WebhookDelivery = Type.Object(
  {
    id: Type.String({ description: 'The delivery id (X-Modelreg-Delivery): the same on every retry.' }),
    event: Type.String({ description: 'The event type, or "ping".' }),
    eventId: Nullable(Type.Integer()),
    model: Nullable(Type.String()),
    attempt: Type.Integer({ description: 'Attempts made so far.' }),
    status: DeliveryStatus,
    responseStatus: Nullable(Type.Integer({ description: 'HTTP status of the last attempt.' })),
    durationMs: Nullable(Type.Integer({ description: 'Latency of the last attempt.' })),
    at: Timestamp,
    nextAttemptAt: Nullable(Timestamp),
    attempts: Type.Array(DeliveryAttempt, { description: 'Every attempt, oldest first.' }),
  },
  { description: 'One event sent to one webhook, with its attempts.' },
)
export type WebhookDelivery = Static<typeof WebhookDelivery>

export const ListDeliveriesQuery = Type.Object(
  { status: Type.Optional(DeliveryStatus), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
)
export type ListDeliveriesQuery = Static<typeof ListDeliveriesQuery>

export const DeliveryPage = Type.Object({ items: Type.Array(WebhookDelivery), nextCursor: Nullable(Type.String()) })
export type DeliveryPage = Static<typeof DeliveryPage>

export const QueuedDelivery = Type.Object({ id: Type.String(), status: DeliveryStatus })
export type QueuedDelivery = Static<typeof QueuedDelivery>

/** The JSON body of every delivery. */
export const WebhookPayload = Type.Object({
  id: Type.String({ description: 'The delivery id, as in X-Modelreg-Delivery.' }),
  type: Type.String({ description: 'The event type, as in X-Modelreg-Event.' }),
  eventId: Nullable(Type.Integer()),
  org: Type.String(),
  model: Nullable(Type.String({ description: 'org/name' })),
  version: Nullable(Type.String()),
  actor: Type.String(),
  at: Timestamp,
  data: Type.Record(Type.String(), Type.Unknown()),
})
export type WebhookPayload = Static<typeof WebhookPayload>
