// Writes the generated rows (rows.ts) straight into a migrated registry database with bulk SQL: SQLite with
// prepared statements, PostgreSQL with unnest() batches. Column names and types follow the server's schema types.
import fs from 'node:fs'
import SqliteDatabase from 'better-sqlite3'
import type { Insertable } from 'kysely'
import pg from 'pg'
import type { ModelTable, VersionTable } from '../../apps/server/src/db/schema.js'
import { type Chunk, generate, type ModelRow, type Scale, type VersionRow } from './rows.js'

export const postgresUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

export interface SeedStats {
  models: number
  versions: number
  tags: number
  seconds: number
  sizeBytes: number
}

/**
 * Every column of the server's tables (db/schema.ts) in the order the seed writes them, with its PostgreSQL type
 * for unnest(): the compiler refuses a column missing here or unknown to the schema.
 */
const modelColumns: Record<keyof ModelTable, string> = {
  id: 'bigint',
  org_id: 'text',
  name: 'text',
  name_key: 'text',
  framework: 'text',
  framework_other: 'text',
  task_type: 'text',
  task_type_other: 'text',
  model_type: 'text',
  model_type_other: 'text',
  public_access: 'int',
  created_by: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  version_count: 'int',
  latest_version_id: 'bigint',
  search_text: 'text',
  top_stage: 'text',
  top_stage_version_id: 'bigint',
  latest_status: 'text',
  artifact_count: 'bigint',
  artifact_bytes: 'bigint',
  download_count: 'bigint',
  last_sequence: 'int',
  description: 'text',
}
const versionColumns: Record<keyof VersionTable, string> = {
  id: 'bigint',
  model_id: 'bigint',
  version: 'text',
  major: 'bigint',
  minor: 'bigint',
  patch: 'bigint',
  prerelease: 'text',
  sort_key: 'text',
  description: 'text',
  status: 'text',
  stage: 'text',
  author: 'text',
  license: 'text',
  license_other: 'text',
  tags: 'jsonb',
  metrics: 'jsonb',
  source: 'jsonb',
  base_model: 'text',
  created_by: 'text',
  created_at: 'timestamptz',
  updated_at: 'timestamptz',
  sequence: 'int',
  run_id: 'text',
  source_uri: 'text',
}
const modelNames = Object.keys(modelColumns) as (keyof ModelTable)[]
const versionNames = Object.keys(versionColumns) as (keyof VersionTable)[]

const modelValues = (m: ModelRow, orgId: string) => {
  const row: Required<Insertable<ModelTable>> = { ...m, org_id: orgId }
  return modelNames.map((c) => row[c])
}
const versionValues = (v: VersionRow) => {
  const row: Required<Insertable<VersionTable>> = { ...v, tags: JSON.stringify(v.tags) }
  return versionNames.map((c) => row[c])
}

function progress(label: string, done: number, total: number, started: number) {
  if (!process.stdout.isTTY) return
  const s = ((performance.now() - started) / 1000).toFixed(0)
  process.stdout.write(`\r  ${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} models (${s} s)  `)
}

/**
 * One connection, prepared statements, one transaction per chunk; the migration's triggers fill the FTS index.
 * `chunks` defaults to the rows of `scale` (rows.ts); another benchmark may pass its own.
 */
export function seedSqlite(
  file: string,
  orgId: string,
  scale: Scale,
  chunks: Iterable<Chunk> = generate(scale),
): SeedStats {
  const started = performance.now()
  const db = new SqliteDatabase(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF')
    db.pragma('foreign_keys = OFF') // rows are consistent by construction; checks would only slow the load
    db.pragma('cache_size = -262144')
    const q = (n: number) => Array.from({ length: n }, () => '?').join(', ')
    const insertModel = db.prepare(`insert into models (${modelNames}) values (${q(modelNames.length)})`)
    const insertVersion = db.prepare(`insert into versions (${versionNames}) values (${q(versionNames.length)})`)
    const insertTag = db.prepare('insert into version_tags (version_id, model_id, tag) values (?, ?, ?)')
    const load = db.transaction((chunk: Chunk) => {
      for (const m of chunk.models) insertModel.run(modelValues(m, orgId))
      for (const v of chunk.versions) insertVersion.run(versionValues(v))
      for (const t of chunk.tags) insertTag.run(t.version_id, t.model_id, t.tag)
    })
    const stats = { models: 0, versions: 0, tags: 0 }
    for (const chunk of chunks) {
      load(chunk)
      stats.models += chunk.models.length
      stats.versions += chunk.versions.length
      stats.tags += chunk.tags.length
      progress('sqlite', stats.models, scale.models, started)
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    const seconds = (performance.now() - started) / 1000
    return { ...stats, seconds, sizeBytes: fs.statSync(file).size }
  } finally {
    db.close()
    if (process.stdout.isTTY) process.stdout.write('\n')
  }
}

/** One client; per chunk one transaction of `insert … select * from unnest($1::bigint[], …)` (a column per array). */
export async function seedPostgres(
  schema: string,
  orgId: string,
  scale: Scale,
  chunks: Iterable<Chunk> = generate(scale),
): Promise<SeedStats> {
  const started = performance.now()
  const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schema},public` })
  await client.connect()
  try {
    await client.query("set synchronous_commit = off; set statement_timeout = '10min'")
    const columns = (rows: unknown[][], width: number) =>
      Array.from({ length: width }, (_, c) => rows.map((row) => row[c]))
    const unnest = (types: string[]) => `select * from unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`
    const modelSql = `insert into models (${modelNames}) ${unnest(Object.values(modelColumns))}`
    const versionSql = `insert into versions (${versionNames}) ${unnest(Object.values(versionColumns))}`
    const tagSql = `insert into version_tags (version_id, model_id, tag) ${unnest(['bigint', 'bigint', 'text'])}`
    const stats = { models: 0, versions: 0, tags: 0 }
    const slice = 20_000
    for (const chunk of chunks) {
      await client.query('begin')
      await client.query(
        modelSql,
        columns(
          chunk.models.map((m) => modelValues(m, orgId)),
          modelNames.length,
        ),
      )
      for (let i = 0; i < chunk.versions.length; i += slice) {
        await client.query(
          versionSql,
          columns(chunk.versions.slice(i, i + slice).map(versionValues), versionNames.length),
        )
      }
      for (let i = 0; i < chunk.tags.length; i += slice * 2) {
        const part = chunk.tags.slice(i, i + slice * 2)
        await client.query(tagSql, [part.map((t) => t.version_id), part.map((t) => t.model_id), part.map((t) => t.tag)])
      }
      await client.query('commit')
      stats.models += chunk.models.length
      stats.versions += chunk.versions.length
      stats.tags += chunk.tags.length
      progress('postgres', stats.models, scale.models, started)
    }
    if (process.stdout.isTTY) process.stdout.write('\n')
    // Explicit ids were inserted into identity columns: move the sequences past them, as a real registry would be.
    for (const table of ['models', 'versions']) {
      await client.query(
        `select setval(pg_get_serial_sequence('${schema}.${table}', 'id'), (select max(id) from ${table}))`,
      )
    }
    // What autovacuum would do soon after a bulk load: statistics and the visibility map.
    await client.query('vacuum analyze models, versions, version_tags')
    const { rows } = await client.query<{ size: string }>(
      'select sum(pg_total_relation_size(c.oid))::bigint as size from pg_class c where c.relnamespace = $1::regnamespace and c.relkind in ($2, $3)',
      [schema, 'r', 'm'],
    )
    const seconds = (performance.now() - started) / 1000
    return { ...stats, seconds, sizeBytes: Number(rows[0]?.size ?? 0) }
  } finally {
    await client.end()
  }
}
