// Who is calling: a bearer token (programs) or the session cookie (the browser, whose writes must carry the
// CSRF token). The gate goes by the route the router matched, never by the URL's text: every route needs a
// caller unless its config says { access: 'public' }; a route that declares nothing (or anything else) is closed.
import cookie from '@fastify/cookie'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import { ForbiddenError, UnauthenticatedError } from '../errors.js'
import type { AuthService, SessionCredentials } from '../services/auth.service.js'
import type { Actor } from '../services/service-deps.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on every authenticated route. */
    actor: Actor
  }
  interface FastifyContextConfig {
    /**
     * Who may call the route. Unset means a signed-in caller (bearer token or session cookie); only routes that
     * must answer before sign-in (sign-in itself, health, the OpenAPI document, the web UI's files) say 'public'.
     */
    access?: RouteAccess
    /**
     * Compatibility routes whose clients send a token as the password of HTTP Basic (MLflow's
     * MLFLOW_TRACKING_USERNAME/PASSWORD). Never on native routes: a browser could replay cached Basic credentials.
     */
    basicAuth?: boolean
    /** A read that travels as POST (MLflow's searches, the Hub's paths-info): a read-only token may make it. */
    readCall?: boolean
  }
}

export type RouteAccess = 'public' | 'caller'

/** A registered route and its access rule, as the gate applies it. */
export interface RouteEntry {
  method: string
  url: string
  access: RouteAccess
}

const routeTables = new WeakMap<FastifyInstance, RouteOptions[]>()

/** Every route registered on `app` (HEAD twins of GET routes included) with the access rule the gate applies. */
export function registeredRoutes(app: FastifyInstance): RouteEntry[] {
  return (routeTables.get(app) ?? []).flatMap((r) =>
    (Array.isArray(r.method) ? r.method : [r.method]).map((method) => ({
      method,
      url: r.url,
      access: accessOf(r.config?.access),
    })),
  )
}

/** Anything but an explicit 'public' needs a caller: a typo or a missing rule fails closed. */
const accessOf = (declared: unknown): RouteAccess => (declared === 'public' ? 'public' : 'caller')

/**
 * Registers `plugin` with every route it adds declared public: for third-party plugins that serve files before
 * sign-in (the API reference, the web UI) and cannot take a route config themselves.
 */
export async function registerPublic(app: FastifyInstance, plugin: (scope: FastifyInstance) => Promise<void>) {
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, access: 'public' }
    })
    await plugin(scope)
  })
}

export const SESSION_COOKIE = 'modelreg_session'
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS'])

export interface AuthOptions {
  /**
   * Mark the session cookie Secure on every response. When false it is still Secure on a request that arrived
   * over HTTPS (directly, or per X-Forwarded-Proto from a trusted proxy).
   */
  secureCookies: boolean
}

const secureFor = (reply: FastifyReply, opts: AuthOptions) => opts.secureCookies || reply.request.protocol === 'https'

export async function registerAuth(app: FastifyInstance, auth: AuthService): Promise<void> {
  await app.register(cookie)
  app.decorateRequest('actor', null as unknown as Actor)
  // The route table, for the test that proves every route refuses an anonymous caller. The options objects are
  // kept (not copied): a nested onRoute hook (registerPublic) may still set their config after this one ran.
  const routes: RouteOptions[] = []
  routeTables.set(app, routes)
  app.addHook('onRoute', (route) => {
    routes.push(route)
  })
  app.addHook('onRequest', async (req) => {
    if (isPublic(req)) return
    const header = req.headers.authorization
    if (header !== undefined) {
      const token = tokenOf(header, req.routeOptions.config.basicAuth === true)
      const actor = token ? await auth.authenticateToken(token, req.ip) : undefined
      if (!actor) throw new UnauthenticatedError('the token is not valid (unknown, revoked or expired)')
      if (actor.scope === 'read' && !SAFE.has(req.method) && req.routeOptions.config.readCall !== true) {
        throw new ForbiddenError('this token is read-only')
      }
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

/** The token of `Bearer <token>`, or (where the route allows it) the password of `Basic base64(user:token)`. */
function tokenOf(header: string, basic: boolean): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1]
  // "hf_" + a token is the same token: the Hugging Face JavaScript client refuses tokens without that prefix.
  if (bearer !== undefined) return bearer.startsWith('hf_') ? bearer.slice(3) : bearer
  const encoded = basic ? /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1] : undefined
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 || colon === decoded.length - 1 ? undefined : decoded.slice(colon + 1)
}

/** No route matched (the not-found handler answers and runs no handler), or the matched route is declared public. */
function isPublic(req: FastifyRequest): boolean {
  return req.is404 || accessOf(req.routeOptions.config.access) === 'public'
}

export function setSessionCookie(reply: FastifyReply, s: SessionCredentials, opts: AuthOptions): void {
  reply.setCookie(SESSION_COOKIE, s.sessionId, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: secureFor(reply, opts),
    expires: new Date(s.expiresAt),
  })
}

export function clearSessionCookie(reply: FastifyReply, opts: AuthOptions): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: secureFor(reply, opts) })
}
