// Runs the migrations in order, once, on either dialect. The list is static so tsx, vitest and dist agree.
import { type DatabaseIntrospector, type Kysely, type Migration, Migrator, sql } from 'kysely'
import type { Db } from './database.js'
import * as initial from './migrations/0001-initial.js'
import * as artifacts from './migrations/0002-artifacts.js'
import * as uploadSessions from './migrations/0003-upload-sessions.js'
import * as accessControl from './migrations/0004-access-control.js'
import * as analytics from './migrations/0005-analytics.js'
import * as topStage from './migrations/0006-top-stage.js'
import * as loginThrottle from './migrations/0007-login-throttle.js'
import * as leases from './migrations/0008-leases.js'
import * as aliases from './migrations/0009-aliases.js'
import * as webhooks from './migrations/0010-webhooks.js'
import * as mlflow from './migrations/0011-mlflow.js'
import * as inspection from './migrations/0012-inspection.js'
import * as uploadPartHandles from './migrations/0013-upload-part-handles.js'
import * as modelSummary from './migrations/0014-model-summary.js'
import * as hfLfsObjects from './migrations/0015-hf-lfs-objects.js'
import * as uploadRunningDigest from './migrations/0016-upload-running-digest.js'
import * as modelNameOrder from './migrations/0018-model-name-order.js'

export async function migrateToLatest(db: Db): Promise<void> {
  const dialect = db.dialect
  const migrations: Record<string, Migration> = {
    '0001-initial': { up: (k) => initial.up(k, dialect) },
    '0002-artifacts': { up: (k) => artifacts.up(k, dialect) },
    '0003-upload-sessions': { up: (k) => uploadSessions.up(k, dialect) },
    '0004-access-control': { up: (k) => accessControl.up(k, dialect) },
    '0005-analytics': { up: (k) => analytics.up(k, dialect) },
    '0006-top-stage': { up: (k) => topStage.up(k, dialect) },
    '0007-login-throttle': { up: (k) => loginThrottle.up(k, dialect) },
    '0008-leases': { up: (k) => leases.up(k, dialect) },
    '0009-aliases': { up: (k) => aliases.up(k, dialect) },
    '0014-model-summary': { up: (k) => modelSummary.up(k, dialect) },
    '0010-webhooks': { up: (k) => webhooks.up(k, dialect) },
    '0011-mlflow': { up: (k) => mlflow.up(k, dialect) },
    '0012-inspection': { up: (k) => inspection.up(k, dialect) },
    '0013-upload-part-handles': { up: (k) => uploadPartHandles.up(k, dialect) },
    '0015-hf-lfs-objects': { up: (k) => hfLfsObjects.up(k, dialect) },
    '0016-upload-running-digest': { up: (k) => uploadRunningDigest.up(k, dialect) },
    '0018-model-name-order': { up: (k) => modelNameOrder.up(k, dialect) },
  }
  const migrator = new Migrator({
    db: db.schema === undefined ? db.kysely : withOwnSchemaIntrospection(db.kysely, db.schema),
    provider: { getMigrations: async () => migrations },
    // Numbers are handed out before the work lands: a database may hold a later migration than one added now.
    allowUnorderedMigrations: true,
    // Kysely looks for its own tables in every schema unless told which: name ours.
    ...(db.schema !== undefined && { migrationTableSchema: db.schema }),
  })
  const { error, results } = await migrator.migrateToLatest()
  const failed = results?.find((r) => r.status === 'Error')
  if (error !== undefined || failed !== undefined) {
    throw new Error(`database migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error })
  }
}

/**
 * The migrator asks "does my table exist?" through Kysely's PostgreSQL introspector, which lists every table of
 * every schema and calls pg_get_serial_sequence() on each column by name: a table dropped by anyone else while
 * that query runs fails it ("relation … does not exist"), so a start-up could fail because another application
 * (or another test's schema) dropped a table at that moment. Answer from the catalog, for our schema only.
 */
function withOwnSchemaIntrospection<DB>(kysely: Kysely<DB>, schema: string): Kysely<DB> {
  const introspection: DatabaseIntrospector = {
    getSchemas: async () =>
      (await sql<{ name: string }>`select nspname as name from pg_namespace where nspname = ${schema}`.execute(kysely))
        .rows,
    getTables: async () =>
      (
        await sql<{ name: string }>`select c.relname as name from pg_class c
          join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = ${schema} and c.relkind in ('r', 'p', 'v')`.execute(kysely)
      ).rows.map(({ name }) => ({ name, schema, isView: false, columns: [] })),
    getMetadata: async () => ({ tables: await introspection.getTables() }),
  }
  // Everything else is the real instance (its methods use private fields, so they are bound to it).
  return new Proxy(kysely, {
    get(target, prop) {
      if (prop === 'introspection') return introspection
      const value = Reflect.get(target, prop, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}
