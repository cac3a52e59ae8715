import type { ModelSort } from '@modelreg/contract'
import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SqlBool,
  sql,
} from 'kysely'
import { type Dialect, toIso } from '../db/database.js'
import { preparedQuery } from '../db/prepared-query.js'
import type { Database, ModelTable } from '../db/schema.js'
import { decodeCursor, encodeCursor, isIsoTimestamp } from '../domain/cursor.js'
import { modelNameKey } from '../domain/names.js'
import { type Verdict, verdictOrder } from '../inspection/result.js'
import type { ModelRecord, ModelWithLatest, Page } from './records.js'
import { joinedVersion, joinedVersionColumns } from './version.repository.js'
import { scopeOf, type Viewer, type VisibleScope, visibleIn } from './visibility.js'

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
  /** Only the models this user may see (services/access.ts states the rule). */
  viewer?: Viewer
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
  /** The latest version's inspection verdict (its worst file's; a file without a result counts as none). */
  verdict?: string
  sort: ModelSort
  limit: number
  cursor?: string
}

const sortColumns = { name: 'm.name_key', created: 'm.created_at', updated: 'm.updated_at' } as const

/** The columns a ModelRecord is made of (toRecord) and the keyset cursor reads; never the search text or totals. */
const recordColumns = [
  'm.id',
  'm.org_id',
  'm.name',
  'm.name_key',
  'm.framework',
  'm.framework_other',
  'm.task_type',
  'm.task_type_other',
  'm.model_type',
  'm.model_type_other',
  'm.public_access',
  'm.created_by',
  'm.created_at',
  'm.updated_at',
  'm.version_count',
  'm.latest_version_id',
  'm.top_stage_version_id',
  'm.description',
] as const
type RecordColumn = (typeof recordColumns)[number] extends `m.${infer C}` ? C : never
type Row = Pick<Selectable<ModelTable>, RecordColumn> & { org: string }
/** A condition on the model row "m". */
type ModelCondition = (eb: ExpressionBuilder<Database & { m: ModelTable }, 'm'>) => Expression<SqlBool>

/** Model rows ("models as m") with their organisation's name: the columns a ModelRecord is made of (toModelRecord). */
export const modelsWithOrg = (db: Kysely<Database>) =>
  db
    .selectFrom('models as m')
    .innerJoin('organisations as o', 'o.id', 'm.org_id')
    .select(recordColumns)
    .select('o.name as org')

/** The get-model statement, compiled once (db/prepared-query.ts): it runs on every get of a model. */
const modelWithLatest = preparedQuery((db, org: string, nameKey: string) =>
  modelsWithOrg(db)
    .leftJoin('versions as lv', 'lv.id', 'm.latest_version_id')
    .leftJoin('versions as tv', 'tv.id', 'm.top_stage_version_id')
    .select(joinedVersionColumns())
    .select(['tv.stage as top_stage_of', 'tv.version as top_version'])
    .where('o.name', '=', org)
    .where('m.name_key', '=', nameKey),
)

export class ModelRepository {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  private base() {
    return modelsWithOrg(this.db)
  }

  /**
   * The model with its latest version and top stage, in one statement (the get-model response): left joins on the
   * versions' primary key.
   */
  async findWithLatest(org: string, nameKey: string): Promise<ModelWithLatest | undefined> {
    const [row] = await modelWithLatest(this.db, org, nameKey)
    return row && withLatest(row)
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
        top_stage: null,
        top_stage_version_id: null,
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

  /** Several models by id in one query (ids not found are absent). */
  async findByIds(ids: number[]): Promise<Map<number, ModelRecord>> {
    if (ids.length === 0) return new Map()
    const rows = await this.base().where('m.id', 'in', ids).execute()
    return new Map(rows.map((r) => [Number(r.id), toRecord(r)]))
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

  /** Refreshes what the models list shows of the latest version and the top stage; called after any version change. */
  async setSummary(
    id: number,
    s: {
      latestVersionId: number | null
      /** The latest version's status (what the Analytics summary counts). */
      latestStatus: string | null
      topStage: { stage: string; versionId: number } | null
      versionDelta: number
      searchText: string
      now: string
    },
  ): Promise<void> {
    await this.db
      .updateTable('models')
      .set({
        latest_version_id: s.latestVersionId,
        latest_status: s.latestStatus,
        top_stage: s.topStage?.stage ?? null,
        top_stage_version_id: s.topStage?.versionId ?? null,
        version_count: sql`version_count + ${s.versionDelta}`,
        search_text: s.searchText,
        updated_at: s.now,
      })
      .where('id', '=', id)
      .execute()
  }

  /** Only the top stage: a stage change is not an edit of the model, so it leaves updated_at (and the sort) alone. */
  async setTopStage(id: number, top: { stage: string; versionId: number } | null): Promise<void> {
    await this.db
      .updateTable('models')
      .set({ top_stage: top?.stage ?? null, top_stage_version_id: top?.versionId ?? null })
      .where('id', '=', id)
      .execute()
  }

  /** A new name (MLflow's rename); the unique (org, name_key) index refuses a taken one. */
  async rename(id: number, name: string, nameKey: string, now: string): Promise<void> {
    await this.db
      .updateTable('models')
      .set({ name, name_key: nameKey, search_text: name, updated_at: now })
      .where('id', '=', id)
      .execute()
  }

  async setDescription(id: number, description: string, now: string): Promise<void> {
    await this.db.updateTable('models').set({ description, updated_at: now }).where('id', '=', id).execute()
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('models').where('id', '=', id).execute()
  }

  /**
   * One page in sort order; keyset on (sort value, id). Facet filters match when any version has the value.
   *
   * Facets (status, stage, author, license, tags) are tested model by model while the sort index is scanned, which
   * fills a page within a few rows for a common value but would read every model for a rare one. So the scan is
   * bounded to a window of rows; when the window holds less than a page, the value is rare and the page is built
   * from the models that have it instead (the facet's index, then a sort of those few models).
   */
  async list(f: ModelFilter): Promise<Page<ModelWithLatest>> {
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
    // Conditions on the model row itself; the window below applies them without the organisations join.
    const scope: ModelCondition[] = []
    const { framework, taskType, modelType, publicAccess } = f
    // What the caller may see comes first, and every later step works within it: whether another organisation or
    // a model the caller cannot see exists must not change the statements run (their timing would tell).
    let visible: VisibleScope = { all: true }
    if (f.viewer !== undefined && !f.viewer.siteAdmin) {
      visible = await scopeOf(this.db, f.viewer)
      // Depends on the caller alone: in no organisation, they see nothing.
      if (!visible.all && visible.orgIds.length === 0) return { items: [], nextCursor: null }
    }
    if (f.org !== undefined) {
      // By id, a constant: so the planners pick the (org_id, sort) index instead of sorting the organisation.
      // Looked up among the caller's organisations only; an unknown one matches nothing (no early return).
      let lookup = this.db.selectFrom('organisations').select('id').where('name', '=', f.org)
      if (!visible.all) lookup = lookup.where('id', 'in', visible.orgIds)
      const org = await lookup.executeTakeFirst()
      scope.push(org === undefined ? () => sql<SqlBool>`1 = 0` : (eb) => eb('m.org_id', '=', org.id))
    }
    if (!visible.all) {
      const visibleModel = visibleIn(visible)
      // SQLite (no statistics) takes the member's organisation index, the unique (org_id, name_key) one above all,
      // over the (framework, sort) index: with framework=onnx&stage=production&sort=name at 100k models it read every
      // model of the organisation in name order (127 ms). A framework is the caller's own filter, so its index leads;
      // inside coalesce() the visibility test cannot drive an index and is checked row by row.
      scope.push(
        this.dialect === 'sqlite' && framework !== undefined
          ? (eb) => sql<SqlBool>`coalesce(${visibleModel(eb)}, 0)`
          : visibleModel,
      )
    }
    if (framework !== undefined) scope.push((eb) => eb('m.framework', '=', framework))
    if (taskType !== undefined) scope.push((eb) => eb('m.task_type', '=', taskType))
    if (modelType !== undefined) scope.push((eb) => eb('m.model_type', '=', modelType))
    if (publicAccess !== undefined) scope.push((eb) => eb('m.public_access', '=', publicAccess ? 1 : 0))
    if (f.verdict !== undefined) {
      // Ranks as verdictOrder (0 dangerous … 4 none); a version without files is "none".
      const rank = verdictOrder.indexOf(f.verdict as Verdict)
      scope.push(
        () => sql<SqlBool>`coalesce((select min(coalesce(i.verdict_rank, 4)) from artifacts a
          left join inspections i on i.sha256 = a.sha256 where a.version_id = m.latest_version_id), 4) = ${rank}`,
      )
    }
    if (after !== undefined) {
      const [, value, id] = after
      const op = desc ? sql.raw('<') : sql.raw('>')
      scope.push(() => sql<SqlBool>`(${sql.ref(col)}, m.id) ${op} (${value}, ${id})`)
    }
    let q = scope.reduce((acc, cond) => acc.where(cond), this.base())
    // Every test of the model row that q makes, for the rare-facet page on SQLite below.
    const rowTests = [...scope]
    let narrow = false
    const text = f.q?.trim() ?? ''
    if (text !== '') {
      const match = await this.matches(text, scope)
      if (Array.isArray(match)) {
        // Even with no match the page query runs: the same statements whether or not hidden models matched.
        q = q.where(this.idIn(match))
        narrow = true
      } else {
        q = q.where(match)
        rowTests.push(() => match)
      }
    }
    const facets: Facet[] = [
      ...(['status', 'stage', 'author', 'license'] as const).flatMap((column) => {
        const value = f[column]
        return value === undefined ? [] : [{ table: 'versions' as const, column, value }]
      }),
      ...(f.tags ?? []).map((tag) => ({
        table: 'version_tags' as const,
        column: 'tag' as const,
        value: tag.toLowerCase(),
      })),
    ]
    const withFacets = (query: typeof q, except?: Facet) =>
      facets.reduce((acc, facet) => (facet === except ? acc : acc.where((eb) => hasFacet(eb, facet))), query)
    // The page, then its rows' latest versions and top stages joined by primary key: the page's plan is the
    // same as without them (the joins see at most limit + 1 rows), and the versions come in the same statement.
    const page = (query: typeof q) =>
      this.db
        .selectFrom(
          query
            .orderBy(col, dir)
            .orderBy('m.id', dir)
            .limit(f.limit + 1)
            .as('p'),
        )
        .leftJoin('versions as lv', 'lv.id', 'p.latest_version_id')
        .leftJoin('versions as tv', 'tv.id', 'p.top_stage_version_id')
        .selectAll('p')
        .select(joinedVersionColumns())
        .select(['tv.stage as top_stage_of', 'tv.version as top_version'])
        .orderBy(sql.ref(`p.${col.slice(2)}`), dir)
        .orderBy('p.id', dir)
        .execute()

    let rows: PageRow[] | undefined
    if (facets.length === 0 || narrow) {
      rows = await page(withFacets(q))
    } else {
      // The last row of the window: WINDOW_PAGES pages of the list without its facets (an index range).
      const edge = await scope
        .reduce((acc, cond) => acc.where(cond), this.db.selectFrom('models as m'))
        .select([sql<string | Date>`${sql.ref(col)}`.as('value'), 'm.id'])
        .orderBy(col, dir)
        .orderBy('m.id', dir)
        .offset(WINDOW_PAGES * (f.limit + 1) - 1)
        .limit(1)
        .executeTakeFirst()
      if (edge === undefined) {
        rows = await page(withFacets(q))
      } else {
        const op = desc ? sql.raw('>=') : sql.raw('<=')
        rows = await page(withFacets(q).where(sql<boolean>`(${sql.ref(col)}, m.id) ${op} (${edge.value}, ${edge.id})`))
        if (rows.length <= f.limit) {
          // Less than a page in the window: a rare value. Start from the models that have the rarest facet.
          const rarest = await this.rarest(facets)
          // SQLite (no statistics) kept walking the organisation's sort index and testing each model against the
          // facet's ids (100,000 index entries for a rare author: 20 ms at 100k models). Inside coalesce() the row
          // tests cannot drive an index, so the ids do: one primary-key probe per model that has the facet.
          const start =
            this.dialect === 'sqlite' && rowTests.length > 0
              ? this.base().where((eb) => sql<SqlBool>`coalesce(${eb.and(rowTests.map((t) => t(eb)))}, 0)`)
              : q
          rows = await page(withFacets(start.where(this.fromFacet(rarest)), rarest))
        }
      }
    }
    const items = rows.slice(0, f.limit).map(withLatest)
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

  /** Of several facets, the one fewest versions have (counted up to a cap: only the small ones need telling apart). */
  private async rarest(facets: Facet[]): Promise<Facet> {
    let best = facets[0] as Facet
    if (facets.length === 1) return best
    let fewest = Number.POSITIVE_INFINITY
    for (const facet of facets) {
      const capped =
        facet.table === 'versions'
          ? this.db
              .selectFrom('versions as v')
              .select(sql.lit(1).as('one'))
              .where(`v.${facet.column}`, '=', facet.value)
              .limit(RAREST_CAP)
          : this.db
              .selectFrom('version_tags as t')
              .select(sql.lit(1).as('one'))
              .where('t.tag', '=', facet.value)
              .limit(RAREST_CAP)
      const { n } = await this.db
        .selectFrom(capped.as('x'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      if (Number(n) < fewest) [best, fewest] = [facet, Number(n)]
    }
    return best
  }

  /**
   * `m.id` is one of the models with the facet, driven from the facet's (value, model_id) index as a skip scan: one
   * probe per distinct model (the next model_id above the last), not one index entry per version. A value that only
   * the 200,000-version model has is then two probes instead of 200,000 entries read (measured: 41 ms on SQLite, 25
   * ms on PostgreSQL at 1M versions). Both databases run the same recursive statement.
   */
  private fromFacet(facet: Facet) {
    const [table, column] =
      facet.table === 'versions'
        ? [sql.table('versions'), sql.ref(facet.column)]
        : [sql.table('version_tags'), sql.ref('tag')]
    const ids = sql`with recursive facet_models(id) as (
        select min(model_id) from ${table} where ${column} = ${facet.value}
        union all
        select (select min(model_id) from ${table} where ${column} = ${facet.value} and model_id > facet_models.id)
        from facet_models where facet_models.id is not null
      ) select id from facet_models where id is not null`
    // PostgreSQL: an array, so that the planner cannot fall back to scanning every model (its estimate of a rare
    // value can be far off); SQLite looks the ids up from an IN list by itself.
    return this.dialect === 'postgres' ? sql<boolean>`m.id = any(array(${ids}))` : sql<boolean>`m.id in (${ids})`
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
   * The ids returned are only those that meet `scope` (visibility included), picked in the same statement.
   */
  private async matches(text: string, scope: ModelCondition[]): Promise<number[] | RawBuilder<boolean>> {
    // Trigram indexes need 3 characters: a shorter term (someone starting to type) matches the start of the
    // name instead, a range on the name index, rather than scanning every model.
    if ([...text].length < 3) {
      const prefix = modelNameKey(text)
      return sql<boolean>`(m.name_key >= ${prefix} and m.name_key < ${`${prefix}\u{10FFFF}`})`
    }
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    if (this.dialect === 'postgres') return sql<boolean>`m.search_text ilike ${like} escape '\\'`
    const phrase = `"${text.replaceAll('"', '""')}"`
    // The first FEW_MATCHES + 1 matches, each with whether the caller may see it: one statement whatever is hidden.
    const visibleModel = scope
      .reduce((acc, cond) => acc.where(cond), this.db.selectFrom('models as m').select(sql.lit(1).as('one')))
      .where(sql<SqlBool>`m.id = f.id`)
    const { rows: found } = await sql<{ id: number; visible: number }>`select f.id, exists ${visibleModel} as visible
      from (select rowid as id from models_fts where models_fts match ${phrase} limit ${FEW_MATCHES + 1}) f`.execute(
      this.db,
    )
    if (found.length <= FEW_MATCHES) return found.filter((r) => r.visible === 1).map((r) => Number(r.id))
    if (/^[ -~]*$/.test(text)) return sql<boolean>`m.search_text like ${like} escape '\\'`
    return sql<boolean>`m.id in (select rowid from models_fts where models_fts match ${phrase})`
  }
}

/** A facet of the models list: it matches when any version has the value. */
type Facet =
  | { table: 'versions'; column: 'status' | 'stage' | 'author' | 'license'; value: string }
  | { table: 'version_tags'; column: 'tag'; value: string }

/**
 * Facets are tested on at most this many pages of rows of the sort index before the list starts from the models
 * that have the rarest facet instead: that way a page costs at most a few thousand index probes either way.
 */
const WINDOW_PAGES = 50
/** Versions counted per facet to pick the rarest one. */
const RAREST_CAP = 20_000
/** SQLite: a search term that at most this many models match is resolved to their ids with FTS5 first. */
const FEW_MATCHES = 2000

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

/** A row of base() with the latest version (joinedVersionColumns()) and the top stage joined. */
type PageRow = Row & { top_stage_of: string | null; top_version: string | null } & Record<string, unknown>

function withLatest(r: PageRow): ModelWithLatest {
  return {
    model: toRecord(r),
    latest: joinedVersion(r),
    top: r.top_stage_of === null || r.top_version === null ? null : { stage: r.top_stage_of, version: r.top_version },
  }
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
    topStageVersionId: r.top_stage_version_id === null ? null : Number(r.top_stage_version_id),
    description: r.description,
  }
}

/** The record of a row read through modelsWithOrg, for other repositories' statements that select more beside it. */
export const toModelRecord = (row: Record<string, unknown>): ModelRecord => toRecord(row as Row)
