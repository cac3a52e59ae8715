// Loads config, opens the registry, listens, and closes gracefully on SIGINT/SIGTERM.
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { firstStartBanner, openUrl } from './banner.js'
import { openRegistry } from './bootstrap.js'
import { ConfigError, loadConfig } from './config/config.js'
import { defaultLimits } from './inspection/source.js'
import { Lifecycle } from './lifecycle.js'
import { LeaseRepository } from './repositories/lease.repository.js'
import { collectUnreferenced } from './services/blob-collector.js'
import { LeaseService, replicaName } from './services/lease.service.js'
import { startPeriodicWork } from './services/periodic-work.js'
import { WEBHOOK_LEASE, WebhookWorker } from './services/webhook-worker.js'

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>
  try {
    config = loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`)
      process.exit(2)
    }
    throw err
  }
  const { db, services, blobErrors, firstAdminPassword } = await openRegistry({
    database: config.database,
    blobRoot: config.blobRoot,
    maxArtifactBytes: config.maxArtifactBytes,
    maxUploadSessionsPerUser: config.uploads.maxSessionsPerUser,
    maxUploadBytesPerUser: config.uploads.maxBytesPerUser,
    inspectionGateWaitMs: config.inspection.gateWaitMs,
    s3: config.s3,
    adminPassword: config.adminPassword,
    login: {
      limits: { maxFailures: config.login.maxFailures, maxFailuresPerAddress: config.login.maxFailuresPerAddress },
      hashConcurrency: config.login.hashConcurrency,
    },
    webhooks: { allowPrivate: config.webhooks.allowPrivate },
  })
  const lifecycle = new Lifecycle()
  // Periodic work runs on the one replica holding its lease; the holder renews it every run, and another replica
  // takes over once a lease outlives three missed runs (docs/operations.md).
  const leases = new LeaseService({ leases: new LeaseRepository(db.kysely), holder: replicaName() })
  const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')
  const app = await buildApp({
    db,
    services,
    downloads: config.downloads,
    hf: { corsOrigins: config.hf.corsOrigins },
    secureCookies: config.secureCookies,
    publicUrl: config.publicUrl,
    trustedProxies: config.trustedProxies,
    logger: { level: config.logLevel },
    webRoot,
    http: config.http,
    lifecycle,
    metrics: {
      token: config.metricsToken,
      leases: { service: leases, names: ['upload-sweep', 'blob-collection', WEBHOOK_LEASE] },
      blobErrors: () => blobErrors,
    },
  })
  const everyMs = config.uploads.sweepSeconds * 1000
  const sweeper = services.uploads.startSweeping(
    everyMs,
    (err) => app.log.error({ err }, 'sweeping expired uploads failed'),
    { leases, name: 'upload-sweep', ttlMs: 3 * everyMs },
  )
  const collector = startPeriodicWork({
    everyMs,
    work: () => collectUnreferenced(services.deps),
    onError: (err) => app.log.error({ err }, 'collecting unreferenced blobs failed'),
    lease: { leases, name: 'blob-collection', ttlMs: 3 * everyMs },
  })
  // Webhook deliveries: polled each second and woken by every commit that queues some (docs/webhooks.md).
  const webhookWorker = new WebhookWorker({
    store: services.deps.store,
    allowPrivate: config.webhooks.allowPrivate,
    timeoutMs: config.webhooks.timeoutMs,
    leases,
    onError: (err) => app.log.error({ err }, 'delivering webhooks failed'),
  })
  webhookWorker.start(1000)
  // Inspection of uploaded files: every replica works off the shared queue, a file claimed by one at a time.
  const inspector =
    config.inspection.concurrency > 0
      ? services.inspections.startWorking({
          holder: leases.holder,
          concurrency: config.inspection.concurrency,
          nice: config.inspection.nice,
          limits: {
            timeoutMs: config.inspection.timeoutMs,
            maxHeapMb: config.inspection.maxHeapMb,
            parser: { ...defaultLimits, maxBytesRead: config.inspection.maxBytesRead },
          },
          onError: (err) => app.log.error({ err }, 'inspecting a file failed'),
        })
      : undefined
  inspector?.wake()
  // SIGTERM: /readyz turns 503, the listener closes (new requests on kept-alive connections get 503), and the
  // requests in flight finish; past the grace period the process exits with them unfinished.
  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ err, signal }) => {
    lifecycle.draining = true
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal, transfers: lifecycle.transfers, graceMs: config.shutdownGraceMs }, 'draining')
    await sweeper.stop()
    await collector.stop()
    await webhookWorker.stop()
    await inspector?.stop()
    await app.close()
    await db.close()
  })
  await app.listen({ port: config.port, host: config.host })
  const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'
  // PORT=0 takes a free port: say which.
  const url = openUrl(config.host, (app.server.address() as AddressInfo | null)?.port ?? config.port)
  app.log.info({ url, database: where, dataDir: config.dataDir }, 'modelreg is ready')
  if (firstAdminPassword !== undefined) {
    // Printed once, on the first start with an empty database; not logged as a structured field.
    process.stdout.write(firstStartBanner({ url, password: firstAdminPassword, webUi: fs.existsSync(webRoot) }))
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`modelreg failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
