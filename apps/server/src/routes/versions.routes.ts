import {
  ChangeStageBody,
  CreateVersionBody,
  ListVersionsQuery,
  ModelParams,
  StageChangeResult,
  StageHistory,
  UpdateVersionBody,
  Version,
  VersionPage,
  VersionParams,
} from '@modelreg/contract'
import { Type } from 'typebox'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { Services } from '../services/services.js'
import { toVersionResponses } from './presenters.js'
import { type App, errors, VERSION_HEADER } from './route-types.js'

const tags = ['Versions']

export function versionRoutes(app: App, services: Services): void {
  const one = async (model: ModelRecord, version: VersionRecord) =>
    (await toVersionResponses(services.inspections, model, [version]))[0] as Version
  app.get(
    '/api/v1/models/:org/:name/versions',
    {
      schema: {
        tags,
        summary: 'List versions in semver order',
        description:
          'Highest first by default. With stage and at: the versions that held that stage at that time ' +
          '(e.g. ?stage=production&at=2026-01-01T00:00:00Z). next offers the next major/minor/patch.',
        params: ModelParams,
        querystring: ListVersionsQuery,
        response: { 200: VersionPage, ...errors },
      },
    },
    async (req) => {
      const page = await services.versions.list(req.actor, req.params.org, req.params.name, req.query)
      return {
        items: await toVersionResponses(services.inspections, page.model, page.items),
        nextCursor: page.nextCursor,
        next: page.next,
      }
    },
  )

  app.post(
    '/api/v1/models/:org/:name/versions',
    {
      schema: {
        tags,
        summary: 'New Version',
        description:
          'Any unused semantic version. A used one is refused with 409 ALREADY_EXISTS naming the next free minor.',
        params: ModelParams,
        body: CreateVersionBody,
        response: { 201: Version, ...errors },
      },
    },
    async (req, reply) => {
      const { model, version } = await services.versions.create(req.actor, req.params.org, req.params.name, req.body)
      return reply.code(201).send(await one(model, version))
    },
  )

  app.get(
    '/api/v1/models/:org/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'Get a version',
        description:
          '{version} is any version reference: a semantic version, "latest" (the highest release), a stage ' +
          '(production: its highest version), an alias (champion) or an npm range (^1.2, ~1.2.3, 1.x, ' +
          '>=1.0.0 <2.0.0: the highest match; pre-releases only when the range names one). X-Modelreg-Version ' +
          'says which version it resolved to.',
        params: VersionParams,
        response: { 200: Version, ...errors },
      },
    },
    async (req, reply) => {
      const { model, version } = await services.versions.get(
        req.actor,
        req.params.org,
        req.params.name,
        req.params.version,
      )
      reply.header(VERSION_HEADER, version.version)
      return one(model, version)
    },
  )

  app.patch(
    '/api/v1/models/:org/:name/versions/:version',
    {
      // Before the schema: a non-editable field is FIELD_NOT_EDITABLE, not an unknown property.
      preValidation: async (req) => services.versions.checkEditable(req.body),
      schema: {
        tags,
        summary: 'Edit a version',
        description:
          'Description, Tags, Status, Author, License; metrics and source while draft or training ' +
          '(409 VERSION_FROZEN after). Version, Model Name and Framework are refused with FIELD_NOT_EDITABLE.',
        params: VersionParams,
        body: UpdateVersionBody,
        response: { 200: Version, ...errors },
      },
    },
    async (req, reply) => {
      const { model, version } = await services.versions.update(
        req.actor,
        req.params.org,
        req.params.name,
        req.params.version,
        req.body,
      )
      reply.header(VERSION_HEADER, version.version)
      return one(model, version)
    },
  )

  app.delete(
    '/api/v1/models/:org/:name/versions/:version',
    {
      schema: {
        tags,
        summary: 'Delete a version',
        description: 'Refused with 409 MODEL_DEPLOYED while it is deployed.',
        params: VersionParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await services.versions.delete(req.actor, req.params.org, req.params.name, req.params.version)
      return reply.code(204).send(null)
    },
  )

  app.post(
    '/api/v1/models/:org/:name/versions/:version/stage',
    {
      schema: {
        tags: ['Lifecycle'],
        summary: 'Move a version to a stage',
        description:
          'Development, Staging, Production or Archived, with a comment. archivePrevious moves the current ' +
          'Production holders to Archived in the same transaction.',
        params: VersionParams,
        body: ChangeStageBody,
        response: { 200: StageChangeResult, ...errors },
      },
    },
    async (req, reply) => {
      const r = await services.versions.changeStage(
        req.actor,
        req.params.org,
        req.params.name,
        req.params.version,
        req.body,
      )
      reply.header(VERSION_HEADER, r.version.version.version)
      return {
        version: await one(r.version.model, r.version.version),
        transition: r.transition,
        archived: r.archived,
      }
    },
  )

  app.get(
    '/api/v1/models/:org/:name/versions/:version/stages',
    {
      schema: {
        tags: ['Lifecycle'],
        summary: 'Stage history of a version',
        description: 'Every transition, oldest first: who, when, from, to and the comment.',
        params: VersionParams,
        response: { 200: StageHistory, ...errors },
      },
    },
    async (req) => ({
      items: await services.versions.stageHistory(req.actor, req.params.org, req.params.name, req.params.version),
    }),
  )
}
