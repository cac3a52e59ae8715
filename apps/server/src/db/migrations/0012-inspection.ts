import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * Inspection of stored files (docs/inspection.md): one row per blob, written in the upload's transaction as a
 * pending job, claimed by one replica at a time (claimed_by until claim_expires_at, ms since the epoch) and
 * finished with the scanner version that produced its result; a newer scanner version makes it due again.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const pg = dialect === 'postgres'
  const ts = pg ? sql`timestamptz` : sql`text`
  await db.schema
    .createTable('inspections')
    .addColumn('sha256', 'text', (c) => c.primaryKey().references('blobs.sha256').onDelete('cascade'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scanner_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'text')
    .addColumn('claim_expires_at', 'bigint')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('format', 'text')
    .addColumn('verdict', 'text')
    .addColumn('verdict_rank', 'integer')
    .addColumn('parameters', pg ? 'bigint' : 'integer')
    .addColumn('result', 'text')
    .addColumn('requested_at', ts, (c) => c.notNull())
    .addColumn('finished_at', ts)
    .execute()
  // The safety gate's override, kept with the stage change it allowed.
  await db.schema.alterTable('stage_transitions').addColumn('override_reason', 'text').execute()
  // The worker's "next due job" query.
  // Files stored before inspection existed are due too (under one of their paths: formats without magic bytes
  // are recognised by name).
  const now = new Date().toISOString()
  await sql`insert into inspections (sha256, file_name, status, requested_at)
    select sha256, min(path), 'pending', ${now} from artifacts group by sha256`.execute(db)
  await db.schema.createIndex('inspections_due').on('inspections').columns(['status', 'requested_at']).execute()
}
