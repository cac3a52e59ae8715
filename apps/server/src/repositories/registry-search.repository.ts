// Searches of models and versions by clauses (name, source, run, sequence, key/value tags) in one organisation,
// as MLflow's search RPCs ask for them. Every value is a bound parameter; LIKE is case-sensitive on both
// dialects (SQLite's LIKE is not, so it becomes GLOB there) and ILIKE is not.
import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from 'kysely'
import type { Dialect } from '../db/database.js'
import type { Database } from '../db/schema.js'
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

/** The tag MLflow 3 sets on prompts: "!= 'true'" on it also matches models without it. */
const PROMPT_TAG = 'mlflow.prompt.is_prompt'

type Eb = ExpressionBuilder<Database & { m: Database['models']; v: Database['versions'] }, 'm' | 'v'>

export class RegistrySearchRepository {
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
