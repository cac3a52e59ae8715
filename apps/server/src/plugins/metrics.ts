// GET /metrics in Prometheus text format: requests by route and status (rate and latency), bytes in and out,
// transfers in flight, open upload sessions, the database pool, blob-store errors and the leases this replica holds.
// Open to loopback callers that came directly; anyone else needs the metrics token (MODELREG_METRICS_TOKEN).
import { createHash, timingSafeEqual } from 'node:crypto'
import type { Socket } from 'node:net'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Db } from '../db/database.js'
import { ForbiddenError } from '../errors.js'
import type { Lifecycle } from '../lifecycle.js'
import type { LeaseService } from '../services/lease.service.js'
import type { Services } from '../services/services.js'

export interface MetricsOptions {
  /** A bearer token that opens /metrics to callers other than loopback; without one, loopback only. */
  token?: string
  /** Leases whose holder this replica reports (1 when it holds one). */
  leases?: { service: Pick<LeaseService, 'holds'>; names: readonly string[] }
  /** Blob-store failures so far, by operation (the blob store's own count; docs/operations.md). */
  blobErrors?: () => ReadonlyMap<string, number>
}

/** Routes that move artifact bytes: what "active transfers" counts, and what draining waits for. */
const TRANSFER = /\/(artifacts\/\*|archive|parts\/:number|complete)$/
const UPLOADING = new Set(['PUT', 'POST'])

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

/**
 * Hooks counting every request (added before the auth plugin's, so refusals count too) and the /metrics route.
 * Returns the function that adds the route, called where the other routes are added.
 *
 * @example const metricsRoute = trackRequests(app, deps); await registerAuth(app, auth); metricsRoute()
 */
export function trackRequests(
  app: FastifyInstance,
  deps: { db: Db; services: Services; lifecycle: Lifecycle; options?: MetricsOptions },
): () => void {
  const registry = new Registry()
  const opts = deps.options ?? {}
  const duration = new Histogram({
    name: 'modelreg_http_request_duration_seconds',
    help: 'Time to answer a request, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [registry],
  })
  const requests = new Counter({
    name: 'modelreg_http_requests_total',
    help: 'Requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  // Bytes on the wire, read from the sockets: streamed bodies of any size count, headers included.
  const sockets = new Set<Socket>()
  const closed = { read: 0, written: 0 }
  app.server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => {
      sockets.delete(socket)
      closed.read += socket.bytesRead
      closed.written += socket.bytesWritten
    })
  })
  const wire = (key: 'bytesRead' | 'bytesWritten', done: () => number) => () => {
    let n = done()
    for (const s of sockets) n += s[key]
    return n
  }
  const bytesIn = wire('bytesRead', () => closed.read)
  const bytesOut = wire('bytesWritten', () => closed.written)
  new Counter({
    name: 'modelreg_http_received_bytes_total',
    help: 'Bytes received on HTTP connections.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(bytesIn())
    },
  })
  new Counter({
    name: 'modelreg_http_sent_bytes_total',
    help: 'Bytes sent on HTTP connections.',
    registers: [registry],
    collect() {
      this.reset()
      this.inc(bytesOut())
    },
  })
  // Counted in plain variables and read when scraped: a gauge's inc()/dec() hashes its labels on every request.
  let requestsInFlight = 0
  new Gauge({
    name: 'modelreg_http_requests_in_flight',
    help: 'Requests being answered.',
    registers: [registry],
    collect() {
      this.set(requestsInFlight)
    },
  })
  const transfers = new Gauge({
    name: 'modelreg_active_transfers',
    help: 'Artifact uploads and downloads (files, parts, archives, completions) in flight.',
    labelNames: ['direction'],
    registers: [registry],
  })
  transfers.set({ direction: 'upload' }, 0)
  transfers.set({ direction: 'download' }, 0)
  new Gauge({
    name: 'modelreg_upload_sessions_open',
    help: 'Upload sessions not yet expired (all replicas: read from the database).',
    registers: [registry],
    async collect() {
      this.set(await deps.services.deps.store.pool.uploads.countOpen(new Date().toISOString()))
    },
  })
  new Gauge({
    name: 'modelreg_db_pool_connections',
    help: 'PostgreSQL pool connections by state (total, idle, waiting clients, max); absent on SQLite.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = deps.db.poolStats?.()
      if (stats) for (const [state, n] of Object.entries(stats)) this.set({ state }, n)
    },
  })
  new Counter({
    name: 'modelreg_blob_store_errors_total',
    help: 'Blob-store operations that failed on the storage side, by operation.',
    labelNames: ['op'],
    registers: [registry],
    collect() {
      this.reset()
      for (const [op, n] of opts.blobErrors?.() ?? []) this.inc({ op }, n)
    },
  })
  new Gauge({
    name: 'modelreg_lease_held',
    help: 'Periodic work whose lease this replica holds (1) or not (0), by lease name.',
    labelNames: ['name'],
    registers: [registry],
    collect() {
      for (const name of opts.leases?.names ?? []) this.set({ name }, opts.leases?.service.holds(name) ? 1 : 0)
    },
  })

  // The counters of one method, route pattern and status, looked up by one string: labelling a metric with an
  // object hashes it (sorted keys) on every call.
  const answered = new Map<string, { count: () => void; time: (seconds: number) => void }>()
  const record = (method: string, route: string, status: string, seconds: number) => {
    const key = `${method} ${status} ${route}`
    let series = answered.get(key)
    if (series === undefined) {
      const counter = requests.labels(method, route, status)
      const histogram = duration.labels(method, route, status)
      series = { count: () => counter.inc(), time: (s) => histogram.observe(s) }
      answered.set(key, series)
    }
    series.count()
    series.time(seconds)
  }
  // Whether a route pattern moves artifact bytes, worked out once per pattern.
  const transferRoutes = new Map<string, boolean>()
  const movesBytes = (pattern: string) => {
    let moves = transferRoutes.get(pattern)
    if (moves === undefined) {
      moves = TRANSFER.test(pattern)
      transferRoutes.set(pattern, moves)
    }
    return moves
  }
  const finished = new WeakMap<FastifyRequest, () => void>()
  // Counted when the response finishes (onResponse) or its connection closes first (a client gone mid-transfer,
  // for which Fastify runs no onResponse): whichever comes first, once. Callback hooks, not async ones: a promise
  // per hook per request is measurable on a get (ADR 0033).
  app.addHook('onRequest', (req, reply, next) => {
    const pattern = req.routeOptions.url
    const transfer =
      pattern !== undefined && movesBytes(pattern) ? (UPLOADING.has(req.method) ? 'upload' : 'download') : undefined
    const at = process.hrtime.bigint()
    requestsInFlight++
    if (transfer) {
      transfers.inc({ direction: transfer })
      deps.lifecycle.transfers++
    }
    let counted = false
    const done = () => {
      if (counted) return
      counted = true
      requestsInFlight--
      if (transfer) {
        transfers.dec({ direction: transfer })
        deps.lifecycle.transfers--
      }
      const route = req.routeOptions.url ?? (req.is404 ? 'unmatched' : 'unknown')
      const status = reply.raw.writableFinished ? String(reply.statusCode) : 'aborted'
      record(req.method, route, status, Number(process.hrtime.bigint() - at) / 1e9)
    }
    finished.set(req, done)
    reply.raw.once('close', done)
    next()
  })
  app.addHook('onResponse', (req, _reply, next) => {
    finished.get(req)?.()
    next()
  })

  const expected = opts.token ? digest(opts.token) : undefined
  return () => {
    app.get(
      '/metrics',
      {
        // Not a user's route: its own rule below (loopback, or the metrics token).
        config: { access: 'public' },
        schema: { tags: ['Operations'], summary: 'Prometheus metrics (loopback, or the metrics token)', hide: true },
      },
      async (req, reply) => {
        if (!allowed(req, expected)) {
          throw new ForbiddenError(
            expected
              ? 'send the metrics token: Authorization: Bearer <MODELREG_METRICS_TOKEN>'
              : 'metrics are served to loopback only; set MODELREG_METRICS_TOKEN to read them from elsewhere',
          )
        }
        reply.header('content-type', registry.contentType)
        return registry.metrics()
      },
    )
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Loopback callers that came directly (no proxy in between), or anyone with the token. */
function allowed(req: FastifyRequest, expected: Buffer | undefined): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')
  if (expected && match?.[1]) return timingSafeEqual(digest(match[1]), expected)
  const proxied = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined
  return !proxied && LOOPBACK.has(req.socket.remoteAddress ?? '')
}
