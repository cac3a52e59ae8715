import type { ModelSort } from '@modelreg/contract'
import { type ExpressionBuilder, type Kysely, type RawBuilder, type Selectable, sql } from 'kysely'
import { type Dialect, toIso } from '../db/database.js'
import type { Database, ModelTable } from '../db/schema.js'
import { decodeCursor, encodeCursor, isIsoTimestamp } from '../domain/cursor.js'
import type { ModelRecord, Page } from './records.js'

export interface NewModel {
  orgId: string
  name: string
  nameKey: string
  framework: string
  frameworkOther: string | null
  taskType: string
  taskTypeOther: string | null
  modelType: string
  modelTypeOther: string | null
  publicAccess: boolean
  createdBy: string
  now: string
}

export type ModelChanges = Partial<
  Pick<ModelRecord, 'taskType' | 'taskTypeOther' | 'modelType' | 'modelTypeOther' | 'publicAccess'>
>

export interface ModelFilter {
  q?: string
  org?: string
  framework?: string
  taskType?: string
  modelType?: string
  status?: string
  stage?: string
  tags?: string[]
  author?: string
  license?: string
  publicAccess?: boolean
  sort: ModelSort
  limit: number
  cursor?: string
}

const sortColumns = { name: 'm.name_key', created: 'm.created_at', updated: 'm.updated_at' } as const

type Row = Selectable<ModelTable> & { org: string }

export class ModelRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  private base() {
    return this.db
      .selectFrom('models as m')
      .innerJoin('organisations as o', 'o.id', 'm.org_id')
      .selectAll('m')
      .select('o.name as org')
  }

  async insert(m: NewModel): Promise<ModelRecord> {
    const row = await this.db
      .insertInto('models')
      .values({
        org_id: m.orgId,
        name: m.name,
        name_key: m.nameKey,
        framework: m.framework,
        framework_other: m.frameworkOther,
        task_type: m.taskType,
        task_type_other: m.taskTypeOther,
        model_type: m.modelType,
        model_type_other: m.modelTypeOther,
        public_access: m.publicAccess ? 1 : 0,
        created_by: m.createdBy,
        created_at: m.now,
        updated_at: m.now,
        version_count: 0,
        latest_version_id: null,
        search_text: m.name,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const created = await this.findById(Number(row.id))
    if (!created) throw new Error('model vanished after insert')
    return created
  }

  async findById(id: number): Promise<ModelRecord | undefined> {
    const row = await this.base().where('m.id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  }

  /** Looks a model up by organisation and name (case-insensitive key); locks the row on PostgreSQL when asked. */
  async findByName(org: string, nameKey: string, opts: { forUpdate?: boolean } = {}): Promise<ModelRecord | undefined> {
    let q = this.base().where('o.name', '=', org).where('m.name_key', '=', nameKey)
    if (opts.forUpdate && this.dialect === 'postgres') q = q.forUpdate('m')
    const row = await q.executeTakeFirst()
    return row && toRecord(row)
  }

  async update(id: number, changes: ModelChanges, now: string): Promise<void> {
    await this.db
      .updateTable('models')
      .set({
        ...(changes.taskType !== undefined && { task_type: changes.taskType }),
        ...(changes.taskTypeOther !== undefined && { task_type_other: changes.taskTypeOther }),
        ...(changes.modelType !== undefined && { model_type: changes.modelType }),
        ...(changes.modelTypeOther !== undefined && { model_type_other: changes.modelTypeOther }),
        ...(changes.publicAccess !== undefined && { public_access: changes.publicAccess ? 1 : 0 }),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute()
  }

  /** Refreshes what the models list shows of the latest version; called after any version change. */
  async setSummary(
    id: number,
    s: { latestVersionId: number | null; versionDelta: number; searchText: string; now: string },
  ): Promise<void> {
    await this.db
      .updateTable('models')
      .set({
        latest_version_id: s.latestVersionId,
        version_count: sql`version_count + ${s.versionDelta}`,
        search_text: s.searchText,
        updated_at: s.now,
      })
      .where('id', '=', id)
      .execute()
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('models').where('id', '=', id).execute()
  }

  /**
   * One page in sort order; keyset on (sort value, id). Facet filters match when any version has the value.
   *
   * A facet value (or, on SQLite, a search term) found in at most FEW_MODELS models is first resolved to those
   * models' ids, and the page is built from them; a more common one is tested row by row while the sort index is
   * scanned, which fills a page after about limit × models / matches rows. Either plan alone is slow at scale: the
   * scan reads every model for a rare value, the lookup sorts every match of a common one.
   */
  async list(f: ModelFilter): Promise<Page<ModelRecord>> {
    const desc = f.sort.startsWith('-')
    const sortKey = (desc ? f.sort.slice(1) : f.sort) as keyof typeof sortColumns
    const col = sortColumns[sortKey]
    const dir = desc ? 'desc' : 'asc'
    // The cursor names its sort: a cursor of another sort (or a forged timestamp) is refused, not misread.
    const after =
      f.cursor === undefined
        ? undefined
        : decodeCursor(
            f.cursor,
            ['string', 'string', 'number'],
            ([sort, v]) => sort === f.sort && (sortKey === 'name' || (v !== undefined && isIsoTimestamp(v))),
          )

    let q = this.base()
    if (f.org !== undefined) q = q.where('o.name', '=', f.org)
    if (f.framework !== undefined) q = q.where('m.framework', '=', f.framework)
    if (f.taskType !== undefined) q = q.where('m.task_type', '=', f.taskType)
    if (f.modelType !== undefined) q = q.where('m.model_type', '=', f.modelType)
    if (f.publicAccess !== undefined) q = q.where('m.public_access', '=', f.publicAccess ? 1 : 0)
    const facets: Facet[] = [
      ...(['status', 'stage', 'author', 'license'] as const).flatMap((column) => {
        const value = f[column]
        return value === undefined ? [] : [{ table: 'versions' as const, column, value }]
      }),
      ...(f.tags ?? []).map((tag) => ({ table: 'version_tags' as const, column: 'tag' as const, value: tag.toLowerCase() })),
    ]
    // The ids of the few models every rare facet (or search term) allows; undefined while none was rare.
    let few: number[] | undefined
    for (const facet of facets) {
      // Once the page is down to a few models, testing the remaining facets on each of them is cheap.
      const ids = few === undefined ? await this.fewModelsWith(facet) : undefined
      if (ids !== undefined) few = ids
      else q = q.where((eb) => hasFacet(eb, facet))
    }
    const text = f.q?.trim() ?? ''
    if (text !== '') {
      const match = await this.matches(text)
      if (Array.isArray(match)) {
        const allowed = few === undefined ? undefined : new Set(few)
        few = allowed === undefined ? match : match.filter((id) => allowed.has(id))
      } else {
        q = q.where(match)
      }
    }
    if (few !== undefined) {
      if (few.length === 0) return { items: [], nextCursor: null }
      q = q.where(this.idIn(few))
    }
    if (after !== undefined) {
      const [, value, id] = after
      const op = desc ? sql.raw('<') : sql.raw('>')
      q = q.where(sql<boolean>`(${sql.ref(col)}, m.id) ${op} (${value}, ${id})`)
    }
    const rows = await q
      .orderBy(col, dir)
      .orderBy('m.id', dir)
      .limit(f.limit + 1)
      .execute()
    const items = rows.slice(0, f.limit).map(toRecord)
    const last = rows.length > f.limit ? rows[f.limit - 1] : undefined
    const nextCursor = last
      ? encodeCursor([
          f.sort,
          sortKey === 'name' ? last.name_key : toIso(sortKey === 'created' ? last.created_at : last.updated_at),
          Number(last.id),
        ])
      : null
    return { items, nextCursor }
  }

  /** The ids of the models with the facet value when there are at most FEW_MODELS of them (index on value, model). */
  private async fewModelsWith(facet: Facet): Promise<number[] | undefined> {
    const rows =
      facet.table === 'versions'
        ? await this.db
            .selectFrom('versions as v')
            .select('v.model_id')
            .distinct()
            .where(`v.${facet.column}`, '=', facet.value)
            .limit(FEW_MODELS + 1)
            .execute()
        : await this.db
            .selectFrom('version_tags as t')
            .select('t.model_id')
            .distinct()
            .where('t.tag', '=', facet.value)
            .limit(FEW_MODELS + 1)
            .execute()
    return rows.length > FEW_MODELS ? undefined : rows.map((r) => Number(r.model_id))
  }

  /** `m.id` is one of `ids`, as one bound parameter. */
  private idIn(ids: number[]) {
    return this.dialect === 'postgres'
      ? sql<boolean>`m.id = any(${ids}::bigint[])`
      : sql<boolean>`m.id in (select value from json_each(${JSON.stringify(ids)}))`
  }

  /**
   * Case-insensitive substring match on name, latest description and tags: a condition, or (SQLite) the ids of the
   * few models that match. PostgreSQL: ILIKE on the pg_trgm index; its planner picks index or ordered scan.
   * SQLite: the FTS5 trigram index finds the matches of a rare term; a common ASCII term is tested with LIKE while the
   * sort index is scanned (the same match for ASCII; FTS5 folds other letters too, so they stay with FTS5).
   */
  private async matches(text: string): Promise<number[] | RawBuilder<boolean>> {
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    if (this.dialect === 'postgres') return sql<boolean>`m.search_text ilike ${like} escape '\\'`
    // FTS5 trigram needs 3 characters; shorter terms have no index and scan.
    if ([...text].length < 3) return sql<boolean>`m.search_text like ${like} escape '\\'`
    const phrase = `"${text.replaceAll('"', '""')}"`
    const found = await sql<{ id: number }>`select rowid as id from models_fts where models_fts match ${phrase} limit ${
      FEW_MODELS + 1
    }`.execute(this.db)
    if (found.rows.length <= FEW_MODELS) return found.rows.map((r) => Number(r.id))
    // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the range LIKE folds case in
    if (/^[\x00-\x7f]*$/.test(text)) return sql<boolean>`m.search_text like ${like} escape '\\'`
    return sql<boolean>`m.id in (select rowid from models_fts where models_fts match ${phrase})`
  }
}

/** A facet of the models list that matches when any version has the value. */
type Facet =
  | { table: 'versions'; column: 'status' | 'stage' | 'author' | 'license'; value: string }
  | { table: 'version_tags'; column: 'tag'; value: string }

/**
 * Below this many matching models, a facet or search term is resolved to ids first (see ModelRepository.list).
 * Around the crossing point both plans read a few thousand index entries: a few milliseconds.
 */
const FEW_MODELS = 2000

function hasFacet(eb: ExpressionBuilder<Database & { m: ModelTable }, 'm'>, facet: Facet) {
  return facet.table === 'versions'
    ? eb.exists(
        eb
          .selectFrom('versions as v')
          .select(sql.lit(1).as('one'))
          .whereRef('v.model_id', '=', 'm.id')
          .where(`v.${facet.column}`, '=', facet.value),
      )
    : eb.exists(
        eb
          .selectFrom('version_tags as t')
          .select(sql.lit(1).as('one'))
          .whereRef('t.model_id', '=', 'm.id')
          .where('t.tag', '=', facet.value),
      )
}

function toRecord(r: Row): ModelRecord {
  return {
    id: Number(r.id),
    orgId: r.org_id,
    org: r.org,
    name: r.name,
    framework: r.framework,
    frameworkOther: r.framework_other,
    taskType: r.task_type,
    taskTypeOther: r.task_type_other,
    modelType: r.model_type,
    modelTypeOther: r.model_type_other,
    publicAccess: r.public_access === 1,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    versionCount: Number(r.version_count),
    latestVersionId: r.latest_version_id === null ? null : Number(r.latest_version_id),
  }
}
