import { type Kysely, sql } from 'kysely'
import type { Dialect } from '../database.js'

/**
 * Each model row names the version that holds its most advanced stage (Production, then Staging, then Development;
 * Archived only when every version is), so the models list and "Models by stage" say where a model really is
 * instead of where its latest version happens to be.
 */
export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema.alterTable('models').addColumn('top_stage', 'text').execute()
  await db.schema.alterTable('models').addColumn('top_stage_version_id', 'bigint').execute()
  // One model's versions of one stage, highest first: the few probes that find the top stage on every change.
  await db.schema
    .createIndex('versions_model_stage')
    .on('versions')
    .columns(['model_id', 'stage', 'sort_key'])
    .execute()
  await backfillTopStage(db)
}

/** Sets every model's top stage from its versions: the same rule as VersionRepository.findTopStage, in one pass. */
export async function backfillTopStage(db: Kysely<unknown>): Promise<void> {
  await sql`update models set top_stage_version_id = (
    select v.id from versions v where v.model_id = models.id
    order by case v.stage when 'production' then 0 when 'staging' then 1 when 'development' then 2 else 3 end,
      v.sort_key desc
    limit 1)`.execute(db)
  await sql`update models set top_stage = (select v.stage from versions v where v.id = models.top_stage_version_id)`.execute(
    db,
  )
}
