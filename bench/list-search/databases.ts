// A seeded registry on each database, for the benchmarks that time a large data set (list-search, resolve): a fresh
// SQLite file or PostgreSQL schema, migrated by openRegistry, bulk-loaded by seed.ts, opened again for measuring and
// removed afterwards.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CompiledQuery } from 'kysely'
import pg from 'pg'
import { openRegistry, type Registry } from '../../apps/server/src/bootstrap.js'
import type { Chunk, Scale } from './rows.js'
import type { Target } from './scenarios.js'
import { postgresUrl, type SeedStats, seedPostgres, seedSqlite } from './seed.js'

/** What a benchmark measures against: the open registry, how its seed went, and where the database lives. */
export interface Seeded {
  registry: Registry
  seed: SeedStats
  target: Target
  /** "SQLite 3.x" / "PostgreSQL 15.x". */
  version: string
}

/** Which rows to load: the scale (progress, defaults) and, optionally, chunks of one's own. */
export interface SeedPlan {
  scale: Scale
  chunks?: () => Iterable<Chunk>
}

/** Seeds a fresh SQLite registry, hands it to `use`, then deletes it. */
export async function onSqlite<T>(plan: SeedPlan, use: (s: Seeded) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-'))
  const file = path.join(dir, 'registry.sqlite')
  try {
    const options = { database: { kind: 'sqlite' as const, file }, blobRoot: path.join(dir, 'blobs') }
    const orgId = await migrate(options)
    console.log('sqlite: seeding')
    const seed = seedSqlite(file, orgId, plan.scale, plan.chunks?.())
    console.log(`sqlite: seeded in ${seed.seconds.toFixed(1)} s; measuring`)
    const registry = await openRegistry(options)
    try {
      const { rows } = await registry.db.kysely.executeQuery<{ v: string }>(
        CompiledQuery.raw('select sqlite_version() as v'),
      )
      return await use({ registry, seed, target: { dialect: 'sqlite', file }, version: `SQLite ${rows[0]?.v}` })
    } finally {
      await registry.db.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Seeds a fresh PostgreSQL schema (bench_…), hands it to `use`, then drops it (and any left by a killed run). */
export async function onPostgres<T>(plan: SeedPlan, use: (s: Seeded) => Promise<T>): Promise<T> {
  const schema = `bench_${randomBytes(6).toString('hex')}`
  const version = await admin(async (c) => {
    await c.query('create extension if not exists pg_trgm with schema public')
    // Schemas left by an interrupted run.
    const { rows } = await c.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 'bench\\_%'",
    )
    for (const { nspname } of rows) await c.query(`drop schema if exists "${nspname}" cascade`)
    await c.query(`create schema ${schema}`)
    return (await c.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?'
  })
  const blobRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-blobs-'))
  try {
    const options = {
      database: { kind: 'postgres' as const, url: postgresUrl },
      blobRoot,
      pgSchema: `${schema},public`,
    }
    const orgId = await migrate(options)
    console.log(`postgres: seeding schema ${schema}`)
    const seed = await seedPostgres(schema, orgId, plan.scale, plan.chunks?.())
    console.log(`postgres: seeded in ${seed.seconds.toFixed(1)} s; measuring`)
    const registry = await openRegistry(options)
    try {
      return await use({
        registry,
        seed,
        target: { dialect: 'postgres', schema },
        version: `PostgreSQL ${version.split(' ')[0]}`,
      })
    } finally {
      await registry.db.close()
    }
  } finally {
    fs.rmSync(blobRoot, { recursive: true, force: true })
    await admin((c) => c.query(`drop schema if exists ${schema} cascade`))
  }
}

/** Creates the schema (first start) and returns the default organisation's id; the seed then writes behind it. */
async function migrate(options: Parameters<typeof openRegistry>[0]): Promise<string> {
  const migrated = await openRegistry(options)
  try {
    const org = await migrated.store.pool.organisations.findByName('default')
    if (!org) throw new Error('default organisation missing')
    return org.id
  } finally {
    await migrated.db.close()
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 })
  try {
    await c.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${postgresUrl} (${String(err)}); set BENCH_DATABASE_URL`)
  }
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}
