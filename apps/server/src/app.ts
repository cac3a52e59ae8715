// buildApp(deps): plugins and routes, never listens (tests use app.inject(); main.ts listens).
import { randomUUID } from 'node:crypto'
import { registerAjvFormats, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyServerOptions } from 'fastify'
import { type HfOptions, hfRoutes } from './compat/hf/hf.routes.js'
import { mlflowApi } from './compat/mlflow/mlflow.js'
import { type DownloadOffload, defaultHttpSettings, type HttpSettings } from './config/config.js'
import type { Db } from './db/database.js'
import { Lifecycle } from './lifecycle.js'
import { registerAuth } from './plugins/auth.js'
import { frameworkErrors, registerErrorHandler } from './plugins/error-handler.js'
import { type MetricsOptions, trackRequests } from './plugins/metrics.js'
import { registerOpenApi } from './plugins/openapi.js'
import { registerSecurityHeaders } from './plugins/security-headers.js'
import { strictValidatorCompiler } from './plugins/validator.js'
import { registerWeb } from './plugins/web.js'
import { aliasRoutes } from './routes/aliases.routes.js'
import { analyticsRoutes } from './routes/analytics.routes.js'
import { artifactRoutes } from './routes/artifacts.routes.js'
import { authRoutes } from './routes/auth.routes.js'
import { deploymentRoutes } from './routes/deployments.routes.js'
import { experimentRoutes } from './routes/experiments.routes.js'
import { healthRoutes } from './routes/health.routes.js'
import { identityRoutes } from './routes/identity.routes.js'
import { inspectionRoutes } from './routes/inspection.routes.js'
import { keyTagRoutes } from './routes/key-tags.routes.js'
import { modelRoutes } from './routes/models.routes.js'
import { uploadRoutes } from './routes/uploads.routes.js'
import { versionRoutes } from './routes/versions.routes.js'
import { webhookRoutes } from './routes/webhooks.routes.js'
import type { Services } from './services/services.js'

export interface AppDeps {
  db: Db
  services: Services
  downloads?: DownloadOffload
  /** Mark the session cookie Secure on every response (otherwise only on requests that arrived over HTTPS). */
  secureCookies?: boolean
  /** The URL browsers use; an https one turns on HSTS. */
  publicUrl?: string
  /** Reverse proxies whose X-Forwarded-For/-Proto are believed (IPs, CIDRs); nobody's when empty. */
  trustedProxies?: readonly string[]
  logger?: FastifyServerOptions['logger']
  webRoot?: string
  /** Timeouts and connection cap of the HTTP server (defaults: config's defaultHttpSettings). */
  http?: HttpSettings
  /** Draining flag and transfer count shared with main.ts's shutdown (a fresh one when unset). */
  lifecycle?: Lifecycle
  /** Who may read /metrics beyond loopback, and what it reports besides requests. */
  metrics?: MetricsOptions
  /** The Hugging Face Hub–compatible API under /hf (page sizes, upload URL lifetime). */
  hf?: HfOptions
}

registerAjvFormats()

/** A client's x-request-id is kept (for correlating logs) only when it is a plain token; otherwise a new one. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/
const HSTS = 'max-age=31536000; includeSubDomains'

export async function buildApp(deps: AppDeps) {
  const http = deps.http ?? defaultHttpSettings
  const app = Fastify({
    logger: deps.logger ?? false,
    // Model names go in path segments: allow long, URL-encoded names.
    routerOptions: { maxParamLength: 1024 },
    bodyLimit: 1024 * 1024,
    // The client's id goes into logs, a response header and 500 messages: taken only when it is a plain token.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id']
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID()
    },
    // Client address and scheme from X-Forwarded-* only when the connection comes from a configured proxy.
    trustProxy: deps.trustedProxies?.length ? [...deps.trustedProxies] : false,
    return503OnClosing: true,
    // Response serialisation picks the branch of a nullable (anyOf) by validating the value against it; the formats
    // (date-time) never decide between our branches and cost 3% of a models list's CPU, so they are not checked.
    serializerOpts: { ajv: { validateFormats: false } },
    frameworkErrors,
    // Idle-based limits, never a total one: a multi-GB transfer runs as long as bytes move (docs/security.md).
    requestTimeout: 0,
    connectionTimeout: http.idleTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    http: {
      headersTimeout: http.headersTimeoutMs,
      // Node checks header deadlines on this beat (30 s by default): often enough to hold the timeout.
      connectionsCheckingInterval: Math.min(1000, Math.max(50, Math.floor(http.headersTimeoutMs / 4))),
    },
  }).withTypeProvider<TypeBoxTypeProvider>()
  // Connections past the cap are closed as they arrive, before a byte is read.
  app.server.maxConnections = http.maxConnections
  app.setValidatorCompiler(strictValidatorCompiler)
  // JSON is the only body the API parses (artifact routes take raw streams in their own scope).
  app.removeContentTypeParser('text/plain')
  const httpsPublicUrl = deps.publicUrl?.startsWith('https:') ?? false
  // A callback hook, not an async one: no promise per response.
  app.addHook('onSend', (req, reply, payload, done) => {
    reply.header('x-request-id', req.id)
    // HSTS only where a browser reads it: over HTTPS, seen directly, through a trusted proxy, or per the public URL.
    if (httpsPublicUrl || req.protocol === 'https') reply.header('strict-transport-security', HSTS)
    done(null, payload)
  })
  registerErrorHandler(app)
  // Security headers (helmet's, computed once); the API reference page needs its own scripts and styles.
  registerSecurityHeaders(app, {
    // Sent by the onSend hook above, over HTTPS only.
    strictTransportSecurity: false,
    contentSecurityPolicy: {
      directives: {
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        // Plain HTTP on loopback is a supported setup: do not send browsers to https.
        'upgrade-insecure-requests': null,
      },
    },
  })
  const authOptions = { secureCookies: deps.secureCookies ?? false }
  const lifecycle = deps.lifecycle ?? new Lifecycle()
  const metricsRoute = trackRequests(app, { db: deps.db, services: deps.services, lifecycle, options: deps.metrics })
  await registerAuth(app, deps.services.auth)
  await registerOpenApi(app)
  authRoutes(app, deps.services, authOptions)
  identityRoutes(app, deps.services)
  healthRoutes(app, deps.db, lifecycle)
  metricsRoute()
  modelRoutes(app, deps.services)
  versionRoutes(app, deps.services)
  aliasRoutes(app, deps.services)
  keyTagRoutes(app, deps.services)
  experimentRoutes(app, deps.services)
  inspectionRoutes(app, deps.services)
  const downloads = deps.downloads ?? { mode: 'none', presignTtlSeconds: 300, accelPrefix: '/' }
  await artifactRoutes(app, deps.services, downloads)
  await uploadRoutes(app, deps.services)
  deploymentRoutes(app, deps.services)
  analyticsRoutes(app, deps.services)
  webhookRoutes(app, deps.services)
  await hfRoutes(app, deps.services, downloads, deps.hf)
  await mlflowApi(app, deps.services)
  await registerWeb(app, deps.webRoot)
  return app
}
