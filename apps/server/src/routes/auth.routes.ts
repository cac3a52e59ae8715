import { type ApiToken, CreatedToken, CreateTokenBody, LoginBody, SessionInfo, TokenList } from '@modelreg/contract'
import { Type } from 'typebox'
import { type AuthOptions, clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../plugins/auth.js'
import type { TokenRecord } from '../repositories/credential.repository.js'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const tags = ['Auth']
const errs = { ...errors, 401: errors[400], 403: errors[400], 429: errors[400] }

export function authRoutes(app: App, services: Services, opts: AuthOptions): void {
  app.post(
    '/api/v1/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Sign in',
        description:
          'Sets an httpOnly, SameSite=Strict session cookie and returns the CSRF token that cookie-authenticated ' +
          'writes send as x-csrf-token. Failed attempts are throttled per account and per address (429).',
        security: [],
        body: LoginBody,
        response: { 200: SessionInfo, ...errs },
      },
    },
    async (req, reply) => {
      const s = await services.auth.login(req.body.username, req.body.password, req.ip)
      setSessionCookie(reply, s, opts)
      const orgs = await services.identity.listOrgs({
        userId: s.user.id,
        username: s.user.username,
        siteAdmin: s.user.siteAdmin,
        scope: 'admin',
        credential: 'session',
      })
      return {
        username: s.user.username,
        siteAdmin: s.user.siteAdmin,
        orgs,
        csrfToken: s.csrfToken,
        expiresAt: s.expiresAt,
      }
    },
  )

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'Sign out', response: { 204: Type.Null(), ...errs } } },
    async (req, reply) => {
      const sessionId = req.cookies[SESSION_COOKIE]
      if (sessionId) await services.auth.logout(sessionId)
      clearSessionCookie(reply, opts)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/v1/auth/session',
    { schema: { tags, summary: 'Who is signed in', response: { 200: SessionInfo, ...errs } } },
    async (req) => {
      const sessionId = req.cookies[SESSION_COOKIE]
      const session =
        sessionId && !req.headers.authorization ? await services.auth.authenticateSession(sessionId) : undefined
      return {
        username: req.actor.username,
        siteAdmin: req.actor.siteAdmin,
        orgs: await services.identity.listOrgs(req.actor),
        csrfToken: session ? session.csrfToken : null,
        expiresAt: session ? session.expiresAt : null,
      }
    },
  )

  app.post(
    '/api/v1/tokens',
    {
      schema: {
        tags,
        summary: 'Create a personal API token',
        description:
          'The token is in the response once, as "token"; only its digest is stored. Send it as Authorization: Bearer. ' +
          'Needs a signed-in session (the cookie and x-csrf-token): a token cannot create tokens (403).',
        body: CreateTokenBody,
        response: { 201: CreatedToken, ...errs },
      },
    },
    async (req, reply) => {
      const { record, token } = await services.auth.createToken(req.actor, req.body)
      return reply.code(201).send({ ...toTokenResponse(record), token })
    },
  )

  app.get(
    '/api/v1/tokens',
    { schema: { tags, summary: 'Your tokens (never their secrets)', response: { 200: TokenList, ...errs } } },
    async (req) => ({ items: (await services.auth.listTokens(req.actor)).map(toTokenResponse) }),
  )

  app.delete(
    '/api/v1/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a token (at once)',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 204: Type.Null(), ...errs },
      },
    },
    async (req, reply) => {
      await services.auth.revokeToken(req.actor, req.params.id)
      return reply.code(204).send(null)
    },
  )
}

function toTokenResponse(t: TokenRecord): ApiToken {
  return {
    id: t.id,
    name: t.name,
    scope: t.scope,
    createdAt: t.createdAt,
    expiresAt: t.expiresAt,
    lastUsedAt: t.lastUsedAt,
  }
}
