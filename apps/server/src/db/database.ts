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
 */
function withStatementCache(sqlite: SqliteDatabase.Database): KyselySqliteDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>()
  const prepare = (source: string): SqliteDatabase.Statement => {
    let statement = statements.get(source)
    if (statement === undefined) {
      statement = sqlite.prepare(source)
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
