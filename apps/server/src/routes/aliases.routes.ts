import { AliasList, AliasParams, Alias as AliasSchema, ModelParams, SetAliasBody } from '@modelreg/contract'
import { Type } from 'typebox'
import type { Services } from '../services/services.js'
import { toAliasResponse } from './presenters.js'
import { type App, errors } from './route-types.js'

const tags = ['Aliases']
const forbidden = { 403: errors[400] }

export function aliasRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/models/:org/:name/aliases',
    {
      schema: {
        tags,
        summary: 'List the aliases of a model',
        description: 'Every alias by name, with the version it points to.',
        params: ModelParams,
        response: { 200: AliasList, ...errors },
      },
    },
    async (req) => {
      const { model, aliases } = await services.aliases.list(req.actor, req.params.org, req.params.name)
      return { items: aliases.map((a) => toAliasResponse(model, a)) }
    },
  )

  app.put(
    '/api/v1/models/:org/:name/aliases/:alias',
    {
      schema: {
        tags,
        summary: 'Set or move an alias',
        description:
          'Points the alias at the version "version" names (any version reference). 201 when the alias is new, ' +
          '200 when it moved or stayed. Names match ^[a-z][a-z0-9-]{0,62}$; "latest", stage names and anything ' +
          'that reads as a version or range are refused with 400 VALIDATION_FAILED. A protected alias only ' +
          'organisation admins may move (403 FORBIDDEN). Recorded as an alias.moved event.',
        params: AliasParams,
        body: SetAliasBody,
        response: { 200: AliasSchema, 201: AliasSchema, ...errors, ...forbidden },
      },
    },
    async (req, reply) => {
      const { org, name, alias } = req.params
      const r = await services.aliases.set(req.actor, org, name, alias, req.body)
      return reply
        .code(r.created ? 201 : 200)
        .header('x-modelreg-version', r.alias.version)
        .send(toAliasResponse(r.model, r.alias))
    },
  )

  app.delete(
    '/api/v1/models/:org/:name/aliases/:alias',
    {
      schema: {
        tags,
        summary: 'Remove an alias',
        description: 'A protected alias only organisation admins may remove (403 FORBIDDEN). Recorded as alias.moved.',
        params: AliasParams,
        response: { 204: Type.Null(), ...errors, ...forbidden },
      },
    },
    async (req, reply) => {
      await services.aliases.remove(req.actor, req.params.org, req.params.name, req.params.alias)
      return reply.code(204).send(null)
    },
  )
}
