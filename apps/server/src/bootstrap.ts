// Opens the database, migrates it, seeds the default organisation and wires the services.
import type { Config } from './config/config.js'
import { type Db, openDatabase } from './db/database.js'
import { migrateToLatest } from './db/migrate.js'
import { Store } from './repositories/repositories.js'
import { createServices, type Services } from './services/services.js'

export async function openRegistry(
  database: Config['database'],
  opts: { pgSchema?: string; clock?: () => string } = {},
): Promise<{ db: Db; store: Store; services: Services }> {
  const db = openDatabase(database, { pgSchema: opts.pgSchema })
  try {
    await migrateToLatest(db)
    const store = new Store(db)
    await store.read.organisations.ensure('default', new Date().toISOString())
    return { db, store, services: createServices(store, opts.clock) }
  } catch (err) {
    await db.close()
    throw err
  }
}
