// Opens the database and blob store, migrates, seeds the default organisation and wires the services.
import path from 'node:path'
import type { BlobStore } from './blobs/blob-store.js'
import { ErrorCountingBlobStore } from './blobs/error-counting-blob-store.js'
import { FsBlobStore } from './blobs/fs-blob-store.js'
import { FsPartStore } from './blobs/fs-part-store.js'
import type { PartStore } from './blobs/part-store.js'
import type { S3BlobStoreOptions } from './blobs/s3-blob-store.js'
import type { Config } from './config/config.js'
import { withAdvisoryLock } from './db/advisory-lock.js'
import { type Db, openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { LoginThrottleRepository } from './repositories/login-throttle.repository.js'
import { Store } from './repositories/repositories.js'
import { collectUnreferenced } from './services/blob-collector.js'
import { createServices, type LoginOptions, type Services } from './services/services.js'
import type { WebhookSettings } from './services/webhook.service.js'

export interface RegistryOptions {
  database: Config['database']
  /** Directory of the local blob store (default backend) and of upload parts (unless they go to S3). */
  blobRoot: string
  /** Blobs in S3-compatible storage instead of blobRoot. */
  s3?: S3BlobStoreOptions
  /** A blob store made by the caller (the unit tests' MemoryBlobStore); it wins over s3 and blobRoot. */
  blobs?: BlobStore
  maxArtifactBytes?: number
  /** Open upload sessions, and bytes in them, per user (unlimited when unset). */
  maxUploadSessionsPerUser?: number
  maxUploadBytesPerUser?: number
  /** How long the safety gate waits for files still being inspected (0 or unset: it refuses at once). */
  inspectionGateWaitMs?: number
  pgSchema?: string
  clock?: () => string
  /** First start: the admin's password; generated (and returned once) when unset. */
  adminPassword?: string
  /** Sign-in throttling and password hashing. */
  login?: LoginOptions
  /** Which webhook URLs are allowed (MODELREG_WEBHOOK_ALLOW_PRIVATE), secret overlap. */
  webhooks?: WebhookSettings
}

export interface Registry {
  db: Db
  store: Store
  /** The storage itself (tests reach behind the registry's back through it). */
  blobs: BlobStore
  /** The storage's failures so far, by operation. */
  blobErrors: ReadonlyMap<string, number>
  parts: PartStore
  services: Services
  firstAdminPassword?: string
}

export async function openRegistry(opts: RegistryOptions): Promise<Registry> {
  const db = openDatabase(opts.database, { pgSchema: opts.pgSchema })
  try {
    // Replicas starting together take turns: the first migrates and creates the admin, the next finds them done.
    return await withAdvisoryLock(db, 'start-up', () => start(db, opts))
  } catch (err) {
    await db.close()
    throw err
  }
}

async function start(db: Db, opts: RegistryOptions): Promise<Registry> {
  await migrateToLatest(db)
  const store = new Store(db)
  await store.pool.organisations.ensure('default', new Date().toISOString())
  const { blobs, parts } = await openBlobStores(opts)
  // The services see the storage through a counter of its failures (GET /metrics).
  const counted = new ErrorCountingBlobStore(blobs)
  const services = createServices({
    store,
    blobs: counted,
    parts,
    clock: opts.clock,
    limits: {
      maxArtifactBytes: opts.maxArtifactBytes,
      maxUploadSessionsPerUser: opts.maxUploadSessionsPerUser,
      maxUploadBytesPerUser: opts.maxUploadBytesPerUser,
      inspectionGateWaitMs: opts.inspectionGateWaitMs,
    },
    webhooks: opts.webhooks,
    // Several replicas share one PostgreSQL: their sign-in budgets live there. A SQLite registry is one process.
    login: {
      ...opts.login,
      store:
        opts.login?.store ??
        (db.dialect === 'postgres' ? new LoginThrottleRepository(db.kysely, db.dialect, opts.login?.now) : undefined),
    },
  })
  await collectUnreferenced(services.deps)
  await services.uploads.sweepExpired(new Date().toISOString())
  const admin = await services.auth.bootstrapAdmin(opts.adminPassword)
  return { db, store, blobs, blobErrors: counted.errors, parts, services, firstAdminPassword: admin.password }
}

/** The blob store and, beside it, the store of upload parts: in the same bucket or directory, seen by every replica. */
async function openBlobStores(opts: RegistryOptions): Promise<{ blobs: BlobStore; parts: PartStore }> {
  const fsParts = (blobs: BlobStore) => ({
    blobs,
    parts: new FsPartStore(path.join(path.resolve(opts.blobRoot), 'uploads'), blobs),
  })
  if (opts.blobs) return fsParts(opts.blobs)
  if (opts.s3) {
    // Loaded only when used: the AWS SDK adds ~60 MB of resident memory to a local-store server.
    const { S3BlobStore } = await import('./blobs/s3-blob-store.js')
    const { S3PartStore } = await import('./blobs/s3-part-store.js')
    const blobs = new S3BlobStore(opts.s3)
    return { blobs, parts: new S3PartStore(blobs) }
  }
  return fsParts(new FsBlobStore(path.resolve(opts.blobRoot)))
}
