// Work that must not run twice at once across replicas (migrations, the first-start admin): on PostgreSQL a
// session-level advisory lock held on a connection of its own; SQLite is one process, so the work just runs.
import { sql } from 'kysely'
import type { Db } from './database.js'

/** The first key of every modelreg advisory lock (the second is the hash of the lock's name and the schema). */
const LOCK_CLASS = 0x6d72 // "mr"

/**
 * Runs `work` while holding the named lock; other replicas asking for the same name (in the same schema) wait.
 * The lock goes with its connection, so a replica that dies holding it releases it.
 *
 * @example await withAdvisoryLock(db, 'start-up', () => migrateToLatest(db))
 */
export async function withAdvisoryLock<T>(db: Db, name: string, work: () => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return work()
  const key = sql`${LOCK_CLASS}::int, hashtext(${`${db.schema ?? 'public'}:${name}`})`
  // `work` uses the pool's other connections; this one only holds the lock.
  return db.kysely.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${key})`.execute(conn)
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(${key})`.execute(conn)
    }
  })
}
