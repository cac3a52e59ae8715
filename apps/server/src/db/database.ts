// Dialect factory: SQLite (better-sqlite3, WAL) by default, PostgreSQL (pg) for a postgres:// URL.
import fs from 'node:fs'
import path from 'node:path'
import SqliteDatabase from 'better-sqlite3'
import { Kysely, type SqliteDatabase as KyselySqliteDatabase, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { Config } from '../config/config.js'
import type { Database } from './schema.js'

export type Dialect = 'sqlite' | 'postgres'
export interface Db {
  readonly kysely: Kysely<Database>
  readonly dialect: Dialect
  /** PostgreSQL: the schema the registry's tables live in (first of the search path). */
  readonly schema?: string
  /** PostgreSQL: the connection pool's state now (metrics); SQLite has one connection and no pool. */
  poolStats?(): { total: number; idle: number; waiting: number; max: number }
  close(): Promise<void>
}

// pg: return int8 (count(*), bigserial) as numbers; our ids and counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10))

export function openDatabase(config: Config['database'], opts: { pgSchema?: string; poolSize?: number } = {}): Db {
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true })
    const sqlite = new SqliteDatabase(config.file)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = NORMAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) })
    return { kysely, dialect: 'sqlite', close: () => kysely.destroy() }
  }
  const pool = new pg.Pool({
    connectionString: config.url,
    max: opts.poolSize ?? 10,
    ...(opts.pgSchema ? { options: `-c search_path=${opts.pgSchema}` } : {}),
  })
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  const schema = opts.pgSchema?.split(',')[0]?.trim() || 'public'
  const max = opts.poolSize ?? 10
  const poolStats = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max })
  return { kysely, dialect: 'postgres', schema, poolStats, close: () => kysely.destroy() }
}

/** Prepared statements kept per connection; SQL with a variable list of parameters makes many texts, so it is bounded. */
const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely's SQLite driver prepares every statement it runs, and preparing cost more than running on the hot paths
 * (the largest single item in a CPU profile of 3,000 get-model requests: 645 ms of 4.9 s). The statements are kept by
 * their SQL text instead; SQLite re-prepares one itself when the schema changes. Safe because better-sqlite3 runs a
 * statement to its end synchronously (the registry never streams rows with iterate(), which would hold it busy).
 *
 * Rows are read as arrays and made into objects by a function compiled per statement (ADR 0028): better-sqlite3
 * sets each property of a row object one by one, which took twice the CPU of the raw read for a list of 100 models.
 * The objects are the same (same keys in the same order; a repeated column name keeps its last value).
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, CachedStatement>()
  const prepare = (source: string): CachedStatement => {
    let statement = statements.get(source)
    if (statement === undefined) {
      // A change of schema (a migration) may change what `select *` returns: the kept row makers are dropped.
      if (DDL.test(source)) statements.clear()
      statement = cachedStatement(sqlite, source)
      if (statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = statements.keys().next().value
        if (oldest !== undefined) statements.delete(oldest)
      }
    } else {
      statements.delete(source) // re-inserted below: the map's order is the order of last use
    }
    statements.set(source, statement)
    return statement
  }
  return { prepare, close: () => sqlite.close() }
}

const DDL = /^\s*(create|alter|drop)\b/i

type CachedStatement = ReturnType<KyselySqliteDatabase['prepare']>
type RowMaker = (values: unknown[]) => Record<string, unknown>

function cachedStatement(sqlite: SqliteDatabase.Database, source: string): CachedStatement {
  const statement = sqlite.prepare(source)
  if (!statement.reader) return statement
  statement.raw(true)
  let names: string[] = []
  let make: RowMaker = rowMaker(names)
  return {
    reader: true,
    all(parameters) {
      const rows = statement.all(parameters) as unknown[][]
      const first = rows[0]
      // SQLite re-prepares a statement whose tables changed; its columns are read again when their number did.
      if (first !== undefined && first.length !== names.length) {
        names = statement.columns().map((c) => c.name)
        make = rowMaker(names)
      }
      return rows.map(make)
    },
    run: (parameters) => statement.run(parameters),
    // Streaming is not used by the registry; a statement of its own keeps the objects better-sqlite3 makes.
    iterate: (parameters) => sqlite.prepare(source).iterate(parameters),
  }
}

/** `(values) => ({ name0: values[0], name1: values[1], … })`, compiled once per column list. */
function rowMaker(names: string[]): RowMaker {
  // A computed key for "__proto__", which as a plain key would set the prototype instead of a property.
  const fields = names.map(
    (name, i) => `${name === '__proto__' ? '["__proto__"]' : JSON.stringify(name)}: values[${i}]`,
  )
  return new Function('values', `return { ${fields.join(', ')} }`) as RowMaker
}

/** A unique-constraint violation on either driver (pg 23505, SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
}

/** A foreign-key violation on either driver (pg 23503, SQLITE_CONSTRAINT_FOREIGNKEY). */
export function isForeignKeyViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
}

export const toIso = (v: string | Date): string => (v instanceof Date ? v.toISOString() : v)
export const toIsoOrNull = (v: string | Date | null): string | null => (v === null ? null : toIso(v))
export const fromJson = <T>(v: unknown): T => (typeof v === 'string' ? (JSON.parse(v) as T) : (v as T))
