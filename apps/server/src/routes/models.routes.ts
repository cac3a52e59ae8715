import {
  CreateModelBody,
  EventPage,
  ListEventsQuery,
  ListModelsQuery,
  Model,
  ModelPage,
  ModelParams,
  UpdateModelBody,
} from '@modelreg/contract'
import { Type } from 'typebox'
import type { Services } from '../services/services.js'
import { toModelResponse } from './presenters.js'
import { type App, errors } from './route-types.js'

const tags = ['Models']

export function modelRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/models',
    {
      schema: {
        tags,
        summary: 'List and search models',
        description: 'Keyset-paged. Each row carries its latest version and the version count.',
        querystring: ListModelsQuery,
        response: { 200: ModelPage, ...errors },
      },
    },
    async (req) => {
      const page = await services.models.list(req.actor, req.query)
      return { items: page.items.map((r) => toModelResponse(r.model, r.latest, r.top)), nextCursor: page.nextCursor }
    },
  )

  app.post(
    '/api/v1/models',
    {
      schema: {
        tags,
        summary: 'Create Model',
        description: 'Registers a model and its first version (the Create Model form).',
        body: CreateModelBody,
        response: { 201: Model, ...errors },
      },
    },
    async (req, reply) => {
      const { model, latest, top } = await services.models.create(req.actor, req.body)
      return reply.code(201).send(toModelResponse(model, latest, top))
    },
  )

  app.get(
    '/api/v1/models/:org/:name',
    { schema: { tags, summary: 'Get a model', params: ModelParams, response: { 200: Model, ...errors } } },
    async (req) => {
      const { model, latest, top } = await services.models.get(req.actor, req.params.org, req.params.name)
      return toModelResponse(model, latest, top)
    },
  )

  app.patch(
    '/api/v1/models/:org/:name',
    {
      // Before the schema: a non-editable field is FIELD_NOT_EDITABLE, not an unknown property.
      preValidation: async (req) => services.models.checkEditable(req.body),
      schema: {
        tags,
        summary: 'Update Model',
        description:
          'Task Type, Model Type and Public Access. Model Name and Framework are refused with FIELD_NOT_EDITABLE.',
        params: ModelParams,
        body: UpdateModelBody,
        response: { 200: Model, ...errors },
      },
    },
    async (req) => {
      const { model, latest, top } = await services.models.update(req.actor, req.params.org, req.params.name, req.body)
      return toModelResponse(model, latest, top)
    },
  )

  app.delete(
    '/api/v1/models/:org/:name',
    {
      schema: {
        tags,
        summary: 'Delete a model and its versions',
        description: 'Refused with 409 MODEL_DEPLOYED while any version is deployed.',
        params: ModelParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await services.models.delete(req.actor, req.params.org, req.params.name)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/models/:org/:name/events',
    {
      schema: {
        tags,
        summary: 'The event log of a model',
        description: 'Newest first: every change with its actor, time and before/after values.',
        params: ModelParams,
        querystring: ListEventsQuery,
        response: { 200: EventPage, ...errors },
      },
    },
    async (req) => services.events.listForModel(req.actor, req.params.org, req.params.name, req.query),
  )
}
