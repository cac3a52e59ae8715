// Statements of a fixed shape that run on every request (the token lookup, get model), built and compiled by Kysely
// once per database instead of on every call. Building and compiling a query was the largest item of Kysely's share
// of a get-model request's CPU (ADR 0033); the SQL text and its parameters' positions never change for these.
import { type Compilable, CompiledQuery, type Kysely } from 'kysely'
import type { Database } from './schema.js'

/** Stands in for the i-th argument while the query is compiled; found again among the compiled parameters. */
const placeholder = (i: number) => `\u0000modelreg-prepared-argument-${i}\u0000`

interface Compiled {
  query: CompiledQuery
  /** For each compiled parameter: the index of the argument that goes there, or -1 for a constant of the query. */
  slots: number[]
}

/**
 * A query whose arguments are plain values bound as parameters (compared, never spliced into SQL), compiled on its
 * first run against a database and kept for that database's dialect (transactions share it). While it compiles, each
 * argument is stood in for by a placeholder string, so `build` may only bind its arguments, whatever their type
 * (a number array bound as one PostgreSQL array, say), never look into them.
 *
 * @example
 * const byHash = preparedQuery((db, hash: string) => db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash))
 * const rows = await byHash(this.db, hash)
 */
export function preparedQuery<A extends unknown[], R>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<R>,
): (db: Kysely<Database>, ...args: A) => Promise<R[]> {
  const compiled = new WeakMap<object, Compiled>()
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter
    let c = compiled.get(adapter)
    if (c === undefined) {
      const names = args.map((_, i) => placeholder(i)) as unknown as A
      const query = build(db, ...names).compile()
      const slots = query.parameters.map((p) => (typeof p === 'string' ? names.indexOf(p) : -1))
      for (let i = 0; i < names.length; i++) {
        // Every argument must be a parameter of its own: one used in SQL text or transformed would be wrong here.
        if (slots.filter((s) => s === i).length !== 1)
          throw new Error(`preparedQuery: argument ${i} is not one parameter`)
      }
      c = { query, slots }
      compiled.set(adapter, c)
    }
    const { query, slots } = c
    const parameters = slots.map((s, i) => (s === -1 ? query.parameters[i] : args[s]))
    const result = await db.executeQuery<R>(CompiledQuery.raw(query.sql, parameters))
    return result.rows
  }
}
