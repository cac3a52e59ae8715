// Who is calling: a bearer token (programs) or the session cookie (the browser, whose writes must carry the
// CSRF token). Every /api/v1 route needs one unless its config says { public: true }.
import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { ForbiddenError, UnauthenticatedError } from '../errors.js'
import type { AuthService, SessionCredentials } from '../services/auth.service.js'
import type { Actor } from '../services/service-deps.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every authenticated route. */
    actor: Actor
  }
  interface FastifyContextConfig {
    /** A route anyone may call (sign-in). */
    public?: boolean
  }
}

export const SESSION_COOKIE = 'modelreg_session'
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface AuthOptions {
  /** Mark the session cookie Secure (always, except a plain-HTTP loopback setup). */
  secureCookies: boolean
}

export async function registerAuth(app: FastifyInstance, auth: AuthService): Promise<void> {
  await app.register(cookie)
  app.decorateRequest('actor', null as unknown as Actor)
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/v1/') || req.routeOptions.config.public) return
    const header = req.headers.authorization
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)$/i.exec(header)
      const actor = match?.[1] ? await auth.authenticateToken(match[1], req.ip) : undefined
      if (!actor) throw new UnauthenticatedError('the token is not valid (unknown, revoked or expired)')
      if (actor.scope === 'read' && !SAFE.has(req.method)) throw new ForbiddenError('this token is read-only')
      req.actor = actor
      return
    }
    const sessionId = req.cookies[SESSION_COOKIE]
    const session = sessionId ? await auth.authenticateSession(sessionId) : undefined
    if (!session) throw new UnauthenticatedError()
    if (!SAFE.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
      throw new ForbiddenError('missing or wrong x-csrf-token: cookie-authenticated writes must send the CSRF token')
    }
    req.actor = session.actor
  })
}

export function setSessionCookie(reply: FastifyReply, s: SessionCredentials, opts: AuthOptions): void {
  reply.setCookie(SESSION_COOKIE, s.sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: opts.secureCookies,
    expires: new Date(s.expiresAt),
  })
}

export function clearSessionCookie(reply: FastifyReply, opts: AuthOptions): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: opts.secureCookies })
}
