// List and search latency at scale: seeds 100,000 models / 1,000,000 versions on SQLite and PostgreSQL with bulk
// SQL (list-search/rows.ts, seed.ts), then times the real HTTP layer (scenarios.ts) and writes its section (report.ts).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CompiledQuery } from 'kysely'
import pg from 'pg'
import { buildApp } from '../apps/server/src/app.js'
import { openRegistry } from '../apps/server/src/bootstrap.js'
import { type DialectRun, report } from './list-search/report.js'
import { envInt, fmtCount, isDefaultScale, type Scale, scaleFromEnv } from './list-search/rows.js'
import { cases, explainTop, measure, personas } from './list-search/scenarios.js'
import { postgresUrl, seedPostgres, seedSqlite } from './list-search/seed.js'
import type { BenchSection } from './run.js'

async function runSqlite(scale: Scale, runs: number): Promise<DialectRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-'))
  const file = path.join(dir, 'registry.sqlite')
  try {
    const options = { database: { kind: 'sqlite' as const, file }, blobRoot: path.join(dir, 'blobs') }
    const migrated = await openRegistry(options)
    const org = await migrated.store.read.organisations.findByName('default')
    await migrated.db.close()
    if (!org) throw new Error('default organisation missing')
    console.log('sqlite: seeding')
    const seed = seedSqlite(file, org.id, scale)
    console.log(`sqlite: seeded in ${seed.seconds.toFixed(1)} s; measuring`)
    const registry = await openRegistry(options)
    try {
      const app = await buildApp({ db: registry.db, services: registry.services })
      const { clients, viewers } = await personas(app, registry.store, registry.db)
      const timings = await measure(clients, cases(scale), runs).finally(() => app.close())
      const plans = await explainTop({ dialect: 'sqlite', file }, timings, viewers)
      const { rows } = await registry.db.kysely.executeQuery<{ v: string }>(
        CompiledQuery.raw('select sqlite_version() as v'),
      )
      return { dialect: 'sqlite', seed, timings, plans, version: `SQLite ${rows[0]?.v}` }
    } finally {
      await registry.db.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
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

async function runPostgres(scale: Scale, runs: number): Promise<DialectRun> {
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
    const migrated = await openRegistry(options)
    const org = await migrated.store.read.organisations.findByName('default')
    await migrated.db.close()
    if (!org) throw new Error('default organisation missing')
    console.log(`postgres: seeding schema ${schema}`)
    const seed = await seedPostgres(schema, org.id, scale)
    console.log(`postgres: seeded in ${seed.seconds.toFixed(1)} s; measuring`)
    const registry = await openRegistry(options)
    try {
      const app = await buildApp({ db: registry.db, services: registry.services })
      const { clients, viewers } = await personas(app, registry.store, registry.db)
      const timings = await measure(clients, cases(scale), runs).finally(() => app.close())
      const plans = await explainTop({ dialect: 'postgres', schema }, timings, viewers)
      return { dialect: 'postgres', seed, timings, plans, version: `PostgreSQL ${version.split(' ')[0]}` }
    } finally {
      await registry.db.close()
    }
  } finally {
    fs.rmSync(blobRoot, { recursive: true, force: true })
    await admin((c) => c.query(`drop schema if exists ${schema} cascade`))
  }
}

/** Seeds and measures both databases (BENCH_DIALECTS=sqlite,postgres); returns the docs section. */
export async function listSearchBench(): Promise<BenchSection> {
  const scale = scaleFromEnv()
  const runs = envInt('BENCH_RUNS', 30)
  const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim())
  const title = `List and search at ${fmtCount(scale.models)} models / ${fmtCount(scale.versions)} versions`
  console.log(`\n== ${title} (one model with ${fmtCount(scale.bigVersions)} versions), ${runs} runs per request ==`)
  const results: DialectRun[] = []
  if (dialects.includes('sqlite')) results.push(await runSqlite(scale, runs))
  if (dialects.includes('postgres')) results.push(await runPostgres(scale, runs))
  if (results.length === 0) throw new Error('BENCH_DIALECTS names neither sqlite nor postgres')

  const { markdown, summary } = report(scale, runs, title, results)
  return { title, summary, markdown, fullScale: isDefaultScale(scale) && results.length === 2 }
}
