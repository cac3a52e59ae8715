// Opens a real registry on SQLite (a temp file) or PostgreSQL (a fresh schema in the test database).
// In the unit lane (npm run test:unit) only SQLite, in memory, with blobs in memory: no service is needed.
import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { InjectOptions } from 'fastify'
import pg from 'pg'
import { type AppDeps, buildApp } from '../../src/app.js'
import type { FsBlobStore } from '../../src/blobs/fs-blob-store.js'
import { MemoryBlobStore } from '../../src/blobs/memory-blob-store.js'
import { openRegistry, type RegistryOptions } from '../../src/bootstrap.js'
import type { DownloadOffload } from '../../src/config/config.js'
import { type Db, type Dialect, openDatabase } from '../../src/db/database.js'
import { actorOf, digest } from '../../src/services/auth.service.js'
import { openTestBucket, s3Settings } from './s3.js'

/** Set by vitest.unit.config.ts: suites run on SQLite alone and nothing may reach PostgreSQL or S3. */
export const unitLane = process.env.MODELREG_TEST_LANE === 'unit'
export const dialects: readonly Dialect[] = unitLane ? ['sqlite'] : ['sqlite', 'postgres']
export const ADMIN_PASSWORD = 'admin-password-for-tests'
export const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A clock tests can move: starts at a fixed instant, advances 1 s per reading unless set. */
export function testClock(start = '2026-01-01T00:00:00.000Z') {
  let t = Date.parse(start)
  const clock = () => {
    const now = new Date(t).toISOString()
    t += 1000
    return now
  }
  clock.set = (iso: string) => {
    t = Date.parse(iso)
  }
  return clock
}

export type BlobBackend = 'fs' | 's3' | 'memory'

export interface TestRegistryOptions {
  clock?: () => string
  maxArtifactBytes?: number
  maxUploadSessionsPerUser?: number
  maxUploadBytesPerUser?: number
  /** How long the safety gate waits for pending inspections (tests refuse at once unless they say). */
  inspectionGateWaitMs?: number
  /** Where blobs go: a temp directory (default; memory in the unit lane) or a fresh bucket on the test S3 server. */
  blobs?: BlobBackend
  /** Sign-in throttling: its store, limits and clock. */
  login?: RegistryOptions['login']
  /** Webhook URLs allowed (the tests' receivers are on loopback). */
  webhooks?: RegistryOptions['webhooks']
}

export async function openTestRegistry(dialect: Dialect, opts: TestRegistryOptions = {}) {
  const { blobs: backend = unitLane ? 'memory' : 'fs', ...rest } = opts
  const cleanups: (() => Promise<void>)[] = []
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-test-'))
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }))
  let database: RegistryOptions['database'] = {
    kind: 'sqlite',
    file: unitLane ? ':memory:' : path.join(dir, 'registry.sqlite'),
  }
  let pgSchema: string | undefined
  if (dialect === 'postgres') {
    // The creation time in the name lets a later run drop schemas that an interrupted run left behind.
    const schema = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
    await postgresQuery(`create schema ${schema}`)
    cleanups.push(() => postgresQuery(`drop schema ${schema} cascade`))
    database = { kind: 'postgres', url: postgresUrl }
    pgSchema = `${schema},public`
  }
  let s3: Awaited<ReturnType<typeof openTestBucket>> | undefined
  if (backend === 's3') {
    s3 = await openTestBucket()
    cleanups.push(s3.close)
  }
  const memory = backend === 'memory' ? new MemoryBlobStore() : undefined
  const options: RegistryOptions = {
    database,
    pgSchema,
    adminPassword: ADMIN_PASSWORD,
    blobRoot: path.join(dir, 'blobs'),
    ...(s3 && { s3: { ...s3Settings, bucket: s3.bucket } }),
    ...(memory && { blobs: memory }),
    ...rest,
  }
  const registry = await openRegistry(options)
  const adminUser = await registry.store.pool.users.findByUsername('admin')
  if (!adminUser) throw new Error('the first start did not create the admin user')
  return {
    ...registry,
    /** What the registry was opened with: another replica opens the same database and blob store with it. */
    options,
    /** The site admin of the first start, acting with full rights (services are called as this user). */
    admin: actorOf(adminUser, 'admin', 'session'),
    /** Another start of the registry on the same database and blobs (a restart); the caller closes its db. */
    reopen: () => openRegistry(options),
    /** Temporary objects of the blob store: none may be left once a request has answered. */
    leftovers: async (): Promise<string[]> =>
      s3 ? s3.keys('tmp/') : memory ? memory.tempObjects() : fs.readdirSync((registry.blobs as FsBlobStore).tmpDir),
    close: async () => {
      await registry.db.close()
      for (const cleanup of cleanups.reverse()) await cleanup()
    },
  }
}

async function postgresQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

export type TestRegistry = Awaited<ReturnType<typeof openTestRegistry>>

/**
 * A second replica's view of a test registry's database: its own connections on PostgreSQL; on SQLite (one
 * process, one connection) the same handle. `close` leaves the registry's own handle alone.
 */
export function secondReplica(t: TestRegistry): { db: Db; close: () => Promise<void> } {
  if (t.db.dialect !== 'postgres') return { db: t.db, close: async () => {} }
  const db = openDatabase({ kind: 'postgres', url: postgresUrl }, { pgSchema: `${t.db.schema},public` })
  return { db, close: () => db.close() }
}

/**
 * A registry behind the real HTTP layer. app.inject() sends the admin's token unless the request sets its
 * own authorization (or `authorization: ''` to be anonymous): route tests read as the site admin by default.
 */
export async function openTestApp(
  dialect: Dialect,
  opts: TestRegistryOptions & {
    downloads?: DownloadOffload
    /** More of buildApp's dependencies (web root, trusted proxies, public URL...). */
    app?: Omit<AppDeps, 'db' | 'services' | 'downloads'>
  } = {},
) {
  const { downloads, app: appDeps, ...rest } = opts
  const registry = await openTestRegistry(dialect, rest)
  const app = await buildApp({ db: registry.db, services: registry.services, downloads, ...appDeps })
  // Inserted directly so that tests with their own clock see every reading of it.
  const token = `mrt_tests_${randomBytes(24).toString('base64url')}`
  await registry.store.pool.credentials.insertToken({
    id: randomUUID(),
    userId: registry.admin.userId,
    name: 'tests',
    scope: 'admin',
    tokenHash: digest(token),
    createdAt: '2026-01-01T00:00:00.000Z',
    expiresAt: null,
    lastUsedAt: new Date().toISOString(),
    revokedAt: null,
  })
  sendTokenByDefault(app, token)
  return {
    ...registry,
    app,
    token,
    close: async () => {
      await app.close()
      await registry.close()
    },
  }
}

function sendTokenByDefault(app: Awaited<ReturnType<typeof buildApp>>, token: string): void {
  const inject = app.inject.bind(app)
  app.inject = ((opts: InjectOptions) => {
    const headers = { ...(opts.headers as Record<string, string> | undefined) }
    if (headers.authorization === undefined) headers.authorization = `Bearer ${token}`
    if (headers.authorization === '') delete headers.authorization
    return inject({ ...opts, headers })
  }) as typeof app.inject
}

/**
 * Another replica of a test app: its own process state (connections, services, HTTP app) on the same PostgreSQL
 * schema or SQLite file and the same blob store, answering the same admin token by default. Close it before the
 * first one.
 */
export async function openTestReplica(
  t: Awaited<ReturnType<typeof openTestApp>>,
  app: Omit<AppDeps, 'db' | 'services'> = {},
) {
  const { database } = t.options
  if (database.kind === 'sqlite' && database.file === ':memory:') throw new Error('replicas share a database file')
  const registry = await openRegistry(t.options)
  const replica = await buildApp({ db: registry.db, services: registry.services, ...app })
  sendTokenByDefault(replica, t.token)
  return {
    ...registry,
    app: replica,
    close: async () => {
      await replica.close()
      await registry.db.close()
    },
  }
}
