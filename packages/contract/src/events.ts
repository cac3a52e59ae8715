import { type Static, Type } from 'typebox'
import { Cursor, Limit, Nullable, Timestamp } from './common.js'
import { eventTypes } from './rules.js'

export { eventTypes }

export const EventType = Type.Enum([...eventTypes])
export type EventType = (typeof eventTypes)[number]

export const RegistryEvent = Type.Object(
  {
    id: Type.Integer(),
    type: EventType,
    model: Type.String({ description: 'org/name' }),
    version: Nullable(Type.String()),
    actor: Type.String(),
    at: Timestamp,
    data: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'For *.updated: { changes: { field: { before, after } } }. For alias.moved: { alias, from, to, protected } ' +
        '(from null when the alias is set, to null when it is removed).',
    }),
  },
  { description: 'An entry of the event log.' },
)
export type RegistryEvent = Static<typeof RegistryEvent>

export const ListEventsQuery = Type.Object(
  { type: Type.Optional(EventType), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
)
export type ListEventsQuery = Static<typeof ListEventsQuery>

export const EventPage = Type.Object({ items: Type.Array(RegistryEvent), nextCursor: Nullable(Type.String()) })
