// Searches of models and versions by clauses (name, source, run, sequence, key/value tags) in one organisation,
// as MLflow's search RPCs ask for them. Every value is a bound parameter; LIKE is case-sensitive on both
// dialects (SQLite's LIKE is not, so it becomes GLOB there) and ILIKE is not.
import { type Expression, type ExpressionBuilder, type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely'
import { type Dialect, fromJson } from '../db/database.js'
import { preparedQuery } from '../db/prepared-query.js'
import type { Database } from '../db/schema.js'
import type { KeyTag } from './key-tag.repository.js'
import { modelsWithOrg, toModelRecord } from './model.repository.js'
import type { ModelRecord, VersionRecord } from './records.js'
import { stagePrecedence, versionFromJson, versionJson } from './version.repository.js'
import { scopeOf, type Viewer, visibleIn } from './visibility.js'

export type SearchClause =
  | {
      kind: 'attribute'
      key: string
      op: '=' | '!=' | 'LIKE' | 'ILIKE' | 'IN' | '<' | '<=' | '>' | '>='
      value: string | number | string[]
    }
  | { kind: 'tag'; key: string; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }

export interface SearchOrder {
  key: string
  desc: boolean
}

export interface ModelView {
  tags: KeyTag[]
  /** Alias names with the sequence number of the version each points to. */
  aliases: { alias: string; sequence: number }[]
  /** The highest-numbered version in each stage that has one, from the most advanced stage to the least. */
  latestPerStage: VersionRecord[]
}

export interface VersionView {
  tags: KeyTag[]
  aliases: string[]
}

/** A model with everything MLflow's registered-model message shows of it (RegistrySearchRepository.modelDetails). */
export interface ModelDetail {
  model: ModelRecord
  view: ModelView
  /** Tags and alias names of the versions in view.latestPerStage, by version id. */
  versionViews: Map<number, VersionView>
}

/** The tag MLflow 3 sets on prompts: "!= 'true'" on it also matches models without it. */
const PROMPT_TAG = 'mlflow.prompt.is_prompt'

type Eb = ExpressionBuilder<Database & { m: Database['models']; v: Database['versions'] }, 'm' | 'v'>

export class RegistrySearchRepository {
  /**
   * The model detail statements, compiled once per database (db/prepared-query.ts): their text never changes (the
   * stage names are literals) and building them through the query builder on every call cost more than running them.
   */
  private readonly detailByName = preparedQuery((db, org: string, nameKey: string) =>
    detailQuery(db, this.dialect).where('o.name', '=', org).where('m.name_key', '=', nameKey),
  )
  /** The ids travel as one value (a JSON array on SQLite, an array on PostgreSQL): one text for every page size. */
  private readonly detailByIds = preparedQuery((db, ids: number[] | string) =>
    detailQuery(db, this.dialect).where(
      this.dialect === 'postgres'
        ? sql<boolean>`m.id = any(${ids}::bigint[])`
        : sql<boolean>`m.id in (select value from json_each(${ids}))`,
    ),
  )

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
  ) {}

  /** Model ids matching, in order, `limit` from `offset`. */
  async searchModels(q: {
    viewer: Viewer
    orgId: string
    clauses: SearchClause[]
    order: SearchOrder[]
    offset: number
    limit: number
  }): Promise<number[]> {
    const scope = await scopeOf(this.db, q.viewer)
    let query = this.db.selectFrom('models as m').select('m.id').where('m.org_id', '=', q.orgId).where(visibleIn(scope))
    for (const c of q.clauses) {
      query = query.where((eb) => (c.kind === 'tag' ? this.modelTag(eb, c) : this.compare(eb, 'm.name', c)))
    }
    const columns: Record<string, 'm.name' | 'm.created_at' | 'm.updated_at'> = {
      name: 'm.name',
      creation_timestamp: 'm.created_at',
      timestamp: 'm.created_at',
      last_updated_timestamp: 'm.updated_at',
    }
    for (const o of q.order) query = query.orderBy(columns[o.key] ?? 'm.name', o.desc ? 'desc' : 'asc')
    const rows = await query.orderBy('m.name').orderBy('m.id').offset(q.offset).limit(q.limit).execute()
    return rows.map((r) => Number(r.id))
  }

  /** Version ids matching, in order, `limit` from `offset`. */
  async searchVersions(q: {
    viewer: Viewer
    orgId: string
    clauses: SearchClause[]
    order: SearchOrder[]
    offset: number
    limit: number
  }): Promise<number[]> {
    const scope = await scopeOf(this.db, q.viewer)
    let query = this.db
      .selectFrom('versions as v')
      .innerJoin('models as m', 'm.id', 'v.model_id')
      .select('v.id')
      .where('m.org_id', '=', q.orgId)
      .where(visibleIn(scope))
    const columns = {
      name: 'm.name',
      source_path: 'v.source_uri',
      run_id: 'v.run_id',
      version_number: 'v.sequence',
    } as const
    for (const c of q.clauses) {
      query = query.where((eb) => {
        if (c.kind === 'tag') return this.versionTag(eb as Eb, c)
        const column = columns[c.key as keyof typeof columns]
        if (column === undefined) return sql<SqlBool>`1 = 0`
        return this.compare(eb as Eb, column, c)
      })
    }
    const order = {
      name: 'm.name',
      version_number: 'v.sequence',
      creation_timestamp: 'v.created_at',
      timestamp: 'v.created_at',
      last_updated_timestamp: 'v.updated_at',
    } as const
    for (const o of q.order)
      query = query.orderBy(order[o.key as keyof typeof order] ?? 'm.name', o.desc ? 'desc' : 'asc')
    const rows = await query.orderBy('m.name').orderBy('v.sequence', 'desc').offset(q.offset).limit(q.limit).execute()
    return rows.map((r) => Number(r.id))
  }

  /**
   * The model named `nameKey` in `org` with its key/value tags, aliases and latest version per stage (each with its
   * tags and aliases), in one statement: correlated subqueries aggregated as JSON, each an index probe.
   */
  async modelDetailByName(org: string, nameKey: string): Promise<ModelDetail | undefined> {
    const [row] = await this.detailByName(this.db, org, nameKey)
    return row && toDetail(row as DetailRow)
  }

  /** As modelDetailByName, for several models by id in one statement (ids not found are absent). */
  async modelDetails(ids: number[]): Promise<Map<number, ModelDetail>> {
    if (ids.length === 0) return new Map()
    const rows = await this.detailByIds(this.db, this.dialect === 'postgres' ? ids : JSON.stringify(ids))
    return new Map(rows.map((r) => [Number(r.id), toDetail(r as DetailRow)]))
  }

  private compare(eb: Eb, column: string, c: Extract<SearchClause, { kind: 'attribute' }>): Expression<SqlBool> {
    const ref = sql.ref(column)
    if (c.op === 'IN') return eb(ref, 'in', c.value as string[])
    if (c.op === 'LIKE' || c.op === 'ILIKE') return this.like(ref, c.op, String(c.value))
    return eb(ref, c.op, c.value as string | number)
  }

  private like(ref: ReturnType<typeof sql.ref>, op: 'LIKE' | 'ILIKE', pattern: string): Expression<SqlBool> {
    return likeMatch(this.dialect, ref, op, pattern)
  }

  private modelTag(eb: Eb, c: Extract<SearchClause, { kind: 'tag' }>): Expression<SqlBool> {
    return this.tagClause(eb, c, 'model_key_tags', 't.model_id', 'm.id')
  }

  private versionTag(eb: Eb, c: Extract<SearchClause, { kind: 'tag' }>): Expression<SqlBool> {
    return this.tagClause(eb, c, 'version_key_tags', 't.version_id', 'v.id')
  }

  /** "Has a tag `key` whose value matches": an EXISTS over the model's or the version's key/value tags. */
  private tagClause(
    eb: Eb,
    c: Extract<SearchClause, { kind: 'tag' }>,
    table: 'model_key_tags' | 'version_key_tags',
    owner: 't.model_id' | 't.version_id',
    row: 'm.id' | 'v.id',
  ): Expression<SqlBool> {
    const has = (valueOp: '=' | '!=' | 'LIKE' | 'ILIKE') => {
      const value =
        valueOp === 'LIKE' || valueOp === 'ILIKE'
          ? this.like(sql.ref('t.value'), valueOp, c.value)
          : sql<SqlBool>`t.value ${sql.raw(valueOp)} ${c.value}`
      return eb.exists(
        sql`(select 1 from ${sql.table(table)} as t where ${sql.ref(owner)} = ${sql.ref(row)} and t.key = ${c.key} and ${value})`,
      )
    }
    if (c.op === '!=' && c.key === PROMPT_TAG) return eb.not(has('='))
    return has(c.op)
  }
}

/** A model row with its tags, aliases and latest version per stage (with theirs) as JSON columns. */
function detailQuery(db: Kysely<Database>, dialect: Dialect) {
  const pg = dialect === 'postgres'
  // JSON arrays of rows, in a stated order; an empty set is [] (SQLite's aggregate already answers that).
  const agg = (item: RawBuilder<unknown>, order: RawBuilder<unknown>) =>
    pg
      ? sql`coalesce(json_agg(${item} order by ${order}), '[]'::json)`
      : sql`json_group_array(${item} order by ${order})`
  const pair = (a: RawBuilder<unknown>, b: RawBuilder<unknown>) =>
    pg ? sql`json_build_array(${a}, ${b})` : sql`json_array(${a}, ${b})`
  // SQLite passes a subquery's JSON on as text: json() makes it JSON again so that it nests instead of quoting.
  const nested = (subquery: RawBuilder<unknown>) => (pg ? sql`(${subquery})` : sql`json((${subquery}))`)
  const versionTags = sql`select ${agg(pair(sql.ref('t.key'), sql.ref('t.value')), sql.ref('t.key'))}
    from version_key_tags as t where t.version_id = v.id`
  const versionAliases = sql`select ${agg(sql.ref('a.name'), sql.ref('a.name'))}
    from aliases as a where a.version_id = v.id`
  const latestIn = (stage: string) =>
    nested(
      sql`select ${versionJson(dialect, 'v', {
        key_tags: nested(versionTags),
        alias_names: nested(versionAliases),
      })} from versions as v where v.model_id = m.id and v.stage = ${sql.lit(stage)} order by v.sequence desc limit 1`,
    )
  const latest = sql.join(stagePrecedence.map(latestIn))
  return modelsWithOrg(db).select([
    sql<unknown>`(select ${agg(pair(sql.ref('t.key'), sql.ref('t.value')), sql.ref('t.key'))}
        from model_key_tags as t where t.model_id = m.id)`.as('key_tags'),
    sql<unknown>`(select ${agg(pair(sql.ref('a.name'), sql.ref('av.sequence')), sql.ref('a.name'))}
        from aliases as a inner join versions as av on av.id = a.version_id where a.model_id = m.id)`.as('alias_list'),
    (pg ? sql<unknown>`json_build_array(${latest})` : sql<unknown>`json_array(${latest})`).as('latest'),
  ])
}

type NestedVersion = Record<string, unknown> & { key_tags: [string, string][]; alias_names: string[] }

type DetailRow = Record<string, unknown> & { key_tags: unknown; alias_list: unknown; latest: unknown }

function toDetail(row: DetailRow): ModelDetail {
  const pairs = (list: [string, string][]): KeyTag[] => list.map(([key, value]) => ({ key, value }))
  const latest = fromJson<(NestedVersion | null)[]>(row.latest).filter((v): v is NestedVersion => v !== null)
  const versionViews = new Map<number, VersionView>()
  const latestPerStage = latest.map((o) => {
    const version = versionFromJson(o)
    versionViews.set(version.id, { tags: pairs(o.key_tags), aliases: o.alias_names })
    return version
  })
  return {
    model: toModelRecord(row),
    view: {
      tags: pairs(fromJson<[string, string][]>(row.key_tags)),
      aliases: fromJson<[string, number][]>(row.alias_list).map(([alias, sequence]) => ({
        alias,
        sequence: Number(sequence),
      })),
      latestPerStage,
    },
    versionViews,
  }
}

/** MLflow's LIKE (case-sensitive) and ILIKE on either dialect: SQLite's own LIKE ignores case, so LIKE is GLOB there. */
export function likeMatch(
  dialect: Dialect,
  ref: ReturnType<typeof sql.ref>,
  op: 'LIKE' | 'ILIKE',
  pattern: string,
): Expression<SqlBool> {
  if (dialect === 'postgres') {
    return op === 'LIKE'
      ? sql<SqlBool>`${ref} like ${pattern} escape ''`
      : sql<SqlBool>`${ref} ilike ${pattern} escape ''`
  }
  if (op === 'ILIKE') return sql<SqlBool>`lower(${ref}) like lower(${pattern})`
  return sql<SqlBool>`${ref} glob ${likeToGlob(pattern)}`
}

/** A LIKE pattern as a GLOB one: % and _ become * and ?, GLOB's own specials match themselves. */
export function likeToGlob(pattern: string): string {
  let out = ''
  for (const ch of pattern) {
    if (ch === '%') out += '*'
    else if (ch === '_') out += '?'
    else if (ch === '*' || ch === '?' || ch === '[') out += `[${ch}]`
    else out += ch
  }
  return out
}
