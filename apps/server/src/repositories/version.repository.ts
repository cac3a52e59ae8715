import type { License } from '@modelreg/contract'
import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely'
import { type Dialect, fromJson, toIso } from '../db/database.js'
import type { Database, VersionTable } from '../db/schema.js'
import { decodeCursor, encodeCursor } from '../domain/cursor.js'
import type { VersionNumber } from '../domain/version-number.js'
import type { VersionInterval } from '../domain/version-reference.js'
import type { Page, VersionRecord, VersionSource } from './records.js'

/** Stages from the most to the least advanced; a model "is in" the first one any of its versions holds. */
export const stagePrecedence = ['production', 'staging', 'development', 'archived'] as const

export interface NewVersion {
  modelId: number
  number: VersionNumber
  description: string
  status: string
  stage: string
  author: string
  license: string | null
  licenseOther: string | null
  tags: string[]
  metrics: Record<string, number>
  source: VersionSource
  baseModel: string | null
  createdBy: string
  now: string
  /** The tracking run it was registered from, and the source URI MLflow gave (MLflow registrations only). */
  runId?: string | null
  sourceUri?: string | null
}

export type VersionChanges = Partial<
  Pick<
    VersionRecord,
    'description' | 'status' | 'stage' | 'author' | 'license' | 'licenseOther' | 'tags' | 'metrics' | 'source'
  >
>

export interface VersionFilter {
  stage?: string
  status?: string
  order: 'asc' | 'desc'
  limit: number
  cursor?: string
}

export class VersionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(v: NewVersion): Promise<VersionRecord> {
    // The model's counter only grows: a deleted version's number is never given again (MLflow's version).
    const { last_sequence: sequence } = await this.db
      .updateTable('models')
      .set((eb) => ({ last_sequence: eb('last_sequence', '+', 1) }))
      .where('id', '=', v.modelId)
      .returning('last_sequence')
      .executeTakeFirstOrThrow()
    const { id } = await this.db
      .insertInto('versions')
      .values({
        model_id: v.modelId,
        version: v.number.text,
        major: v.number.major,
        minor: v.number.minor,
        patch: v.number.patch,
        prerelease: v.number.prerelease,
        sort_key: v.number.sortKey,
        description: v.description,
        status: v.status,
        stage: v.stage,
        author: v.author,
        license: v.license,
        license_other: v.licenseOther,
        tags: JSON.stringify(v.tags),
        metrics: JSON.stringify(v.metrics),
        source: JSON.stringify(v.source),
        base_model: v.baseModel,
        created_by: v.createdBy,
        created_at: v.now,
        updated_at: v.now,
        sequence: Number(sequence),
        run_id: v.runId ?? null,
        source_uri: v.sourceUri ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await this.replaceTags(Number(id), v.modelId, v.tags)
    const created = await this.findById(Number(id))
    if (!created) throw new Error('version vanished after insert')
    return created
  }

  async findById(id: number): Promise<VersionRecord | undefined> {
    const row = await this.db.selectFrom('versions').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  async findByIds(ids: number[]): Promise<Map<number, VersionRecord>> {
    if (ids.length === 0) return new Map()
    const rows = await this.db.selectFrom('versions').selectAll().where('id', 'in', ids).execute()
    return new Map(rows.map((r) => [Number(r.id), toRecord(r)]))
  }

  /** The version with this MLflow sequence number. */
  async findBySequence(modelId: number, sequence: number): Promise<VersionRecord | undefined> {
    const row = await this.db
      .selectFrom('versions')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('sequence', '=', sequence)
      .executeTakeFirst()
    return row && toRecord(row)
  }

  async findBySortKey(modelId: number, sortKey: string): Promise<VersionRecord | undefined> {
    const row = await this.db
      .selectFrom('versions')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('sort_key', '=', sortKey)
      .executeTakeFirst()
    return row && toRecord(row)
  }

  /** Highest release; unless releasesOnly, the highest prerelease when there is no release yet. */
  async findLatest(modelId: number, opts: { releasesOnly?: boolean } = {}): Promise<VersionRecord | undefined> {
    const top = (releasesOnly: boolean) => {
      let q = this.db.selectFrom('versions').selectAll().where('model_id', '=', modelId)
      if (releasesOnly) q = q.where('prerelease', 'is', null)
      return q.orderBy('sort_key', 'desc').limit(1).executeTakeFirst()
    }
    const row = (await top(true)) ?? (opts.releasesOnly ? undefined : await top(false))
    return row && toRecord(row)
  }

  /** The highest version in a stage (pre-releases included): one probe of (model_id, stage, sort_key). */
  async findHighestInStage(modelId: number, stage: string): Promise<VersionRecord | undefined> {
    const row = await this.db
      .selectFrom('versions')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('stage', '=', stage)
      .orderBy('sort_key', 'desc')
      .limit(1)
      .executeTakeFirst()
    return row && toRecord(row)
  }

  /**
   * Candidates for one branch of a range, highest first: versions whose key lies in the interval and that are
   * releases or pre-releases of a tuple the branch names. A range scan of (model_id, sort_key) from the top.
   */
  async listInInterval(modelId: number, interval: VersionInterval, limit: number): Promise<VersionRecord[]> {
    let q = this.db.selectFrom('versions').selectAll().where('model_id', '=', modelId)
    const { lower, upper, prereleaseTuples } = interval
    if (lower) q = q.where('sort_key', lower.inclusive ? '>=' : '>', lower.key)
    if (upper) q = q.where('sort_key', upper.inclusive ? '<=' : '<', upper.key)
    q = q.where((eb) =>
      eb.or([
        eb('prerelease', 'is', null),
        ...prereleaseTuples.map(([major, minor, patch]) =>
          eb.and([eb('major', '=', major), eb('minor', '=', minor), eb('patch', '=', patch)]),
        ),
      ]),
    )
    const rows = await q.orderBy('sort_key', 'desc').limit(limit).execute()
    return rows.map(toRecord)
  }

  async count(modelId: number): Promise<number> {
    const { n } = await this.db
      .selectFrom('versions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('model_id', '=', modelId)
      .executeTakeFirstOrThrow()
    return Number(n)
  }

  async update(id: number, c: VersionChanges, now: string): Promise<void> {
    await this.db
      .updateTable('versions')
      .set({
        ...(c.description !== undefined && { description: c.description }),
        ...(c.status !== undefined && { status: c.status }),
        ...(c.stage !== undefined && { stage: c.stage }),
        ...(c.author !== undefined && { author: c.author }),
        ...(c.license !== undefined && { license: c.license }),
        ...(c.licenseOther !== undefined && { license_other: c.licenseOther }),
        ...(c.tags !== undefined && { tags: JSON.stringify(c.tags) }),
        ...(c.metrics !== undefined && { metrics: JSON.stringify(c.metrics) }),
        ...(c.source !== undefined && { source: JSON.stringify(c.source) }),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute()
    if (c.status !== undefined) {
      // The model row keeps its latest version's status for the Analytics summary (0014-model-summary).
      await this.db.updateTable('models').set({ latest_status: c.status }).where('latest_version_id', '=', id).execute()
    }
  }

  async replaceTags(versionId: number, modelId: number, tags: string[]): Promise<void> {
    await this.db.deleteFrom('version_tags').where('version_id', '=', versionId).execute()
    const keys = [...new Set(tags.map((t) => t.toLowerCase()))]
    if (keys.length === 0) return
    await this.db
      .insertInto('version_tags')
      .values(keys.map((tag) => ({ version_id: versionId, model_id: modelId, tag })))
      .execute()
  }

  /** Deletes a version; its artifacts and download counts go with it (cascade), and so do they from its model's totals. */
  async delete(id: number): Promise<void> {
    const artifacts = this.db.selectFrom('artifacts as a').where('a.version_id', '=', id)
    const downloads = this.db.selectFrom('download_stats as d').where('d.version_id', '=', id)
    await this.db
      .updateTable('models')
      .set((eb) => ({
        artifact_count: eb(
          'artifact_count',
          '-',
          artifacts.select((e) => e.fn.countAll<number>().as('n')),
        ),
        artifact_bytes: eb(
          'artifact_bytes',
          '-',
          artifacts.select((e) => e.fn.coalesce(e.fn.sum<number>('a.size'), sql.lit(0)).as('n')),
        ),
        download_count: eb(
          'download_count',
          '-',
          downloads.select((e) => e.fn.coalesce(e.fn.sum<number>('d.count'), sql.lit(0)).as('n')),
        ),
      }))
      .where('id', '=', this.db.selectFrom('versions').select('model_id').where('id', '=', id))
      .execute()
    await this.db.deleteFrom('versions').where('id', '=', id).execute()
  }

  async findDeployed(modelId: number, versionId?: number): Promise<VersionRecord[]> {
    let q = this.db.selectFrom('versions').selectAll().where('model_id', '=', modelId).where('status', '=', 'deployed')
    if (versionId !== undefined) q = q.where('id', '=', versionId)
    return (await q.execute()).map(toRecord)
  }

  /**
   * The version holding the model's most advanced stage: the highest in Production, else in Staging, else in
   * Development, else in Archived. At most four probes of (model_id, stage, sort_key).
   */
  async findTopStage(modelId: number): Promise<{ stage: string; versionId: number } | undefined> {
    for (const stage of stagePrecedence) {
      const row = await this.db
        .selectFrom('versions')
        .select('id')
        .where('model_id', '=', modelId)
        .where('stage', '=', stage)
        .orderBy('sort_key', 'desc')
        .limit(1)
        .executeTakeFirst()
      if (row) return { stage, versionId: Number(row.id) }
    }
    return undefined
  }

  async listInStage(modelId: number, stage: string): Promise<VersionRecord[]> {
    const rows = await this.db
      .selectFrom('versions')
      .selectAll()
      .where('model_id', '=', modelId)
      .where('stage', '=', stage)
      .execute()
    return rows.map(toRecord)
  }

  /** A page in semver order, keyset on the sortable key: an index range scan, never a sort of every version. */
  async list(modelId: number, f: VersionFilter): Promise<Page<VersionRecord>> {
    let q = this.db.selectFrom('versions').selectAll().where('model_id', '=', modelId)
    if (f.stage !== undefined) q = q.where('stage', '=', f.stage)
    if (f.status !== undefined) q = q.where('status', '=', f.status)
    if (f.cursor !== undefined) {
      const [key] = decodeCursor(f.cursor, ['string'])
      q = q.where('sort_key', f.order === 'desc' ? '<' : '>', String(key))
    }
    const rows = await q
      .orderBy('sort_key', f.order)
      .limit(f.limit + 1)
      .execute()
    return page(rows, f.limit)
  }

  /** Versions whose last stage transition at or before `at` moved them into `stage`. */
  async listInStageAt(modelId: number, stage: string, at: string, f: VersionFilter): Promise<Page<VersionRecord>> {
    let q = this.db
      .selectFrom('versions as v')
      .selectAll('v')
      .where('v.model_id', '=', modelId)
      .where((eb) =>
        eb(
          eb
            .selectFrom('stage_transitions as t')
            .select('t.to_stage')
            .whereRef('t.version_id', '=', 'v.id')
            .where('t.at', '<=', at)
            .orderBy('t.at', 'desc')
            .orderBy('t.id', 'desc')
            .limit(1),
          '=',
          stage,
        ),
      )
    if (f.status !== undefined) q = q.where('v.status', '=', f.status)
    if (f.cursor !== undefined) {
      const [key] = decodeCursor(f.cursor, ['string'])
      q = q.where('v.sort_key', f.order === 'desc' ? '<' : '>', String(key))
    }
    const rows = await q
      .orderBy('v.sort_key', f.order)
      .limit(f.limit + 1)
      .execute()
    return page(rows, f.limit)
  }
}

function page(rows: Selectable<VersionTable>[], limit: number): Page<VersionRecord> {
  const last = rows.length > limit ? rows[limit - 1] : undefined
  return { items: rows.slice(0, limit).map(toRecord), nextCursor: last ? encodeCursor([last.sort_key]) : null }
}

/** The columns a VersionRecord is made of (toRecord). */
const recordColumns = [
  'id',
  'model_id',
  'version',
  'prerelease',
  'sort_key',
  'description',
  'status',
  'stage',
  'author',
  'license',
  'license_other',
  'tags',
  'metrics',
  'source',
  'base_model',
  'created_by',
  'created_at',
  'updated_at',
  'sequence',
  'run_id',
  'source_uri',
] as const satisfies readonly (keyof VersionTable)[]

/**
 * The columns of a version joined to another row as "lv", each selected as `lv_<column>`: a model and its latest
 * version in one statement (one round trip on PostgreSQL). Read back with joinedVersion.
 */
export function joinedVersionColumns() {
  return recordColumns.map((c) => sql.ref(`lv.${c}`).as(`lv_${c}`))
}

/** The version selected by joinedVersionColumns, or null when the (left) join found none. */
export function joinedVersion(row: Record<string, unknown>): VersionRecord | null {
  // Named one by one: keys built at run time made this the largest item of a 100-model list's profile.
  const r = row as { [K in (typeof recordColumns)[number] as `lv_${K}`]: Selectable<VersionTable>[K] | null }
  if (r.lv_id === null || r.lv_id === undefined) return null
  return toRecord({
    id: r.lv_id,
    model_id: r.lv_model_id as number,
    version: r.lv_version as string,
    prerelease: r.lv_prerelease,
    sort_key: r.lv_sort_key as string,
    description: r.lv_description as string,
    status: r.lv_status as string,
    stage: r.lv_stage as string,
    author: r.lv_author as string,
    license: r.lv_license,
    license_other: r.lv_license_other,
    tags: r.lv_tags,
    metrics: r.lv_metrics,
    source: r.lv_source,
    base_model: r.lv_base_model,
    created_by: r.lv_created_by as string,
    created_at: r.lv_created_at as string,
    updated_at: r.lv_updated_at as string,
    sequence: r.lv_sequence,
    run_id: r.lv_run_id,
    source_uri: r.lv_source_uri,
  })
}

/**
 * The version row `alias` as one JSON object keyed by column name, for a statement that nests versions inside another
 * row (the MLflow view of a model); `extra` adds keys. Read back with versionFromJson. Timestamps come out as the
 * ISO strings the record holds on both dialects; the JSON columns nest as JSON.
 */
export function versionJson(dialect: Dialect, alias: string, extra: Record<string, RawBuilder<unknown>> = {}) {
  const pairs = recordColumns.map((c) => {
    const ref = sql.ref(`${alias}.${c}`)
    const value =
      dialect === 'postgres' && (c === 'created_at' || c === 'updated_at')
        ? sql`to_char(${ref} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        : dialect === 'sqlite' && (c === 'tags' || c === 'metrics' || c === 'source')
          ? sql`json(${ref})`
          : ref
    return sql`${sql.lit(c)}, ${value}`
  })
  for (const [key, value] of Object.entries(extra)) pairs.push(sql`${sql.lit(key)}, ${value}`)
  return dialect === 'postgres' ? sql`json_build_object(${sql.join(pairs)})` : sql`json_object(${sql.join(pairs)})`
}

/** The version of a versionJson object (already parsed). */
export function versionFromJson(o: Record<string, unknown>): VersionRecord {
  return toRecord(o as RecordRow)
}

/** What a VersionRecord is made of: a row of the versions table, or the joined columns of joinedVersion. */
type RecordRow = Pick<Selectable<VersionTable>, (typeof recordColumns)[number]>

function toRecord(r: RecordRow): VersionRecord {
  return {
    id: Number(r.id),
    modelId: Number(r.model_id),
    version: r.version,
    prerelease: r.prerelease,
    sortKey: r.sort_key,
    description: r.description,
    status: r.status,
    stage: r.stage,
    author: r.author,
    license: r.license as License | null,
    licenseOther: r.license_other,
    tags: fromJson<string[]>(r.tags),
    metrics: fromJson<Record<string, number>>(r.metrics),
    source: fromJson<VersionSource>(r.source),
    baseModel: r.base_model,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    sequence: Number(r.sequence ?? 0),
    runId: r.run_id,
    sourceUri: r.source_uri,
  }
}
