// Runs once before the suite: PostgreSQL must answer (never skip silently) and has pg_trgm in public.
import pg from 'pg'
import { postgresUrl } from './registry.js'

export default async function setup(): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${postgresUrl} (${String(err)}). The suite runs every database test on ` +
        'SQLite AND PostgreSQL; start it (scripts/test.sh does) or set TEST_DATABASE_URL.',
    )
  }
  try {
    await client.query('create extension if not exists pg_trgm with schema public')
    // Drop schemas left by interrupted runs, once over an hour old: another run may be using newer ones.
    const { rows } = await client.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname ~ '^t_[0-9]+_'",
    )
    const cutoff = Date.now() / 1000 - 3600
    for (const { nspname } of rows) {
      if (Number(nspname.split('_')[1]) < cutoff) await client.query(`drop schema if exists "${nspname}" cascade`)
    }
  } finally {
    await client.end()
  }
}
