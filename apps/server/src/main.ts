// Loads config, opens the registry, listens, and closes gracefully on SIGINT/SIGTERM.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.js'
import { firstStartBanner, openUrl } from './banner.js'
import { openRegistry } from './bootstrap.js'
import { ConfigError, loadConfig } from './config/config.js'

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
  const { db, services, firstAdminPassword } = await openRegistry({
    database: config.database,
    blobRoot: config.blobRoot,
    maxArtifactBytes: config.maxArtifactBytes,
    maxUploadSessionsPerUser: config.uploads.maxSessionsPerUser,
    maxUploadBytesPerUser: config.uploads.maxBytesPerUser,
    s3: config.s3,
    adminPassword: config.adminPassword,
    login: {
      limits: { maxFailures: config.login.maxFailures, maxFailuresPerAddress: config.login.maxFailuresPerAddress },
      hashConcurrency: config.login.hashConcurrency,
    },
  })
  const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist')
  const app = await buildApp({
    db,
    services,
    downloads: config.downloads,
    secureCookies: config.secureCookies,
    publicUrl: config.publicUrl,
    trustedProxies: config.trustedProxies,
    logger: { level: config.logLevel },
    webRoot,
    http: config.http,
  })
  const sweeper = services.uploads.startSweeping(config.uploads.sweepSeconds * 1000, (err) =>
    app.log.error({ err }, 'sweeping expired uploads failed'),
  )
  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'shutting down after an error')
    else app.log.info({ signal }, 'shutting down')
    await sweeper.stop()
    await app.close()
    await db.close()
  })
  await app.listen({ port: config.port, host: config.host })
  const where = config.database.kind === 'sqlite' ? config.database.file : 'PostgreSQL'
  const url = openUrl(config.host, config.port)
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
