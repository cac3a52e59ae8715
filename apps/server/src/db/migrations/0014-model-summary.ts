import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * What the Analytics summary counts, kept on each model row (latest version's status, artifacts, their bytes,
 * downloads) so that the summary is one GROUP BY over models instead of joins and sums over versions, artifacts and
 * download_stats. The repositories change these columns in the same statements' transaction as the rows they count.
 */
export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await db.schema.alterTable('models').addColumn('latest_status', 'text').execute()
  for (const column of ['artifact_count', 'artifact_bytes', 'download_count']) {
    await db.schema
      .alterTable('models')
      .addColumn(column, 'bigint', (c) => c.notNull().defaultTo(0))
      .execute()
  }
  await backfillModelSummary(db)
  // The summary reads only this index, in its GROUP BY order: no model row, no sort (SQLite, 20k models on a loaded
  // machine: 152 ms → 53 ms for a member, 258 ms → 85 ms for the admin). The visibility columns come after the groups.
  const groups = 'latest_status, top_stage, framework, task_type, model_type'
  const rest = 'org_id, public_access, created_by, version_count, artifact_count, artifact_bytes, download_count'
  await sql
    .raw(
      dialect === 'postgres'
        ? `create index models_summary on models (${groups}) include (${rest})`
        : `create index models_summary on models (${groups}, ${rest})`,
    )
    .execute(db)
  await coverVisibility(db)
}

/** Sets the counted columns of every model from the rows they count: the same sums the repositories keep. */
export async function backfillModelSummary(db: Kysely<unknown>): Promise<void> {
  await sql`update models set
    latest_status = (select v.status from versions v where v.id = models.latest_version_id),
    artifact_count = (select count(*) from artifacts a where a.model_id = models.id),
    artifact_bytes = (select coalesce(sum(a.size), 0) from artifacts a where a.model_id = models.id),
    download_count = (select coalesce(sum(d.count), 0) from download_stats d where d.model_id = models.id)`.execute(db)
}

/**
 * The organisation sort indexes carry the visibility columns too. A member's list is a range of (org_id, sort) in
 * which every row is tested for public_access / created_by; without them in the index, each test read the model row
 * (the window of 50 pages behind a facet: SQLite at 20k models, loaded machine, 32 ms → 5.6 ms).
 */
export async function coverVisibility(db: Kysely<unknown>): Promise<void> {
  for (const [name, column] of [
    ['models_org_updated', 'updated_at'],
    ['models_org_created', 'created_at'],
    ['models_org_name', 'name_key'],
  ] as const) {
    await db.schema.dropIndex(name).ifExists().execute()
    await db.schema
      .createIndex(name)
      .on('models')
      .columns(['org_id', column, 'id', 'public_access', 'created_by'])
      .execute()
  }
}
