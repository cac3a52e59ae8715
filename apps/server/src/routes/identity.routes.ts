import {
  AuditPage,
  AuditQuery,
  CreateOrgBody,
  CreateUserBody,
  MemberList,
  ModelParams,
  Organisation,
  OrgList,
  SetMemberBody,
  ShareBody,
  ShareList,
  User,
} from '@modelreg/contract'
import { Type } from 'typebox'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const errs = { ...errors, 401: errors[400], 403: errors[400] }
const OrgParams = Type.Object({ org: Type.String({ maxLength: 64 }) })
const MemberParams = Type.Object({ org: Type.String({ maxLength: 64 }), username: Type.String({ maxLength: 64 }) })
const ShareParams = Type.Object({ org: Type.String(), name: Type.String(), username: Type.String({ maxLength: 64 }) })

/** Users and organisations (site admins), members (organisation admins), shares (model owners), audit. */
export function identityRoutes(app: App, services: Services): void {
  const tags = ['People']
  app.post(
    '/api/v1/users',
    {
      schema: { tags, summary: 'Create a user (site admins)', body: CreateUserBody, response: { 201: User, ...errs } },
    },
    async (req, reply) => {
      const u = await services.identity.createUser(req.actor, req.body)
      return reply.code(201).send({ username: u.username, siteAdmin: u.siteAdmin, createdAt: u.createdAt })
    },
  )

  app.post(
    '/api/v1/orgs',
    {
      schema: {
        tags,
        summary: 'Create an organisation (site admins)',
        body: CreateOrgBody,
        response: { 201: Organisation, ...errs },
      },
    },
    async (req, reply) => {
      const org = await services.identity.createOrg(req.actor, req.body.name)
      return reply.code(201).send({ name: org.name })
    },
  )

  app.get(
    '/api/v1/orgs',
    { schema: { tags, summary: 'Your organisations and your role in each', response: { 200: OrgList, ...errs } } },
    async (req) => ({ items: await services.identity.listOrgs(req.actor) }),
  )

  app.get(
    '/api/v1/orgs/:org/members',
    {
      schema: {
        tags,
        summary: 'Members of an organisation',
        params: OrgParams,
        response: { 200: MemberList, ...errs },
      },
    },
    async (req) => ({ items: await services.identity.listMembers(req.actor, req.params.org) }),
  )

  app.put(
    '/api/v1/orgs/:org/members/:username',
    {
      schema: {
        tags,
        summary: 'Add a member or change their role (organisation admins)',
        params: MemberParams,
        body: SetMemberBody,
        response: { 204: Type.Null(), ...errs },
      },
    },
    async (req, reply) => {
      await services.identity.setMember(req.actor, req.params.org, req.params.username, req.body.role)
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/api/v1/orgs/:org/members/:username',
    { schema: { tags, summary: 'Remove a member', params: MemberParams, response: { 204: Type.Null(), ...errs } } },
    async (req, reply) => {
      await services.identity.removeMember(req.actor, req.params.org, req.params.username)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/models/:org/:name/shares',
    {
      schema: {
        tags: ['Models'],
        summary: 'Who a private model is shared with',
        params: ModelParams,
        response: { 200: ShareList, ...errs },
      },
    },
    async (req) => ({ items: await services.identity.listShares(req.actor, req.params.org, req.params.name) }),
  )

  app.put(
    '/api/v1/models/:org/:name/shares/:username',
    {
      schema: {
        tags: ['Models'],
        summary: 'Share a model with a member of its organisation',
        description: 'read: they see it; write: they may also change it. Owners and organisation admins share.',
        params: ShareParams,
        body: ShareBody,
        response: { 204: Type.Null(), ...errs },
      },
    },
    async (req, reply) => {
      const { org, name, username } = req.params
      await services.identity.shareModel(req.actor, org, name, username, req.body.permission)
      return reply.code(204).send(null)
    },
  )

  app.delete(
    '/api/v1/models/:org/:name/shares/:username',
    {
      schema: {
        tags: ['Models'],
        summary: 'Stop sharing a model',
        params: ShareParams,
        response: { 204: Type.Null(), ...errs },
      },
    },
    async (req, reply) => {
      const { org, name, username } = req.params
      await services.identity.unshareModel(req.actor, org, name, username)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/audit',
    {
      schema: {
        tags: ['Audit'],
        summary: 'The audit trail (site admins)',
        description:
          'Model changes with their real actor, sign-ins (also failed ones) and token events; filter by model, actor and time.',
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errs },
      },
    },
    async (req) => ({ items: await services.audit.list(req.actor, req.query) }),
  )
}
