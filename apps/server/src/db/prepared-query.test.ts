import { sql } from 'kysely'
import { afterAll, describe, expect, it } from 'vitest'
import { openDatabase } from './database.js'
import { preparedQuery } from './prepared-query.js'

const db = openDatabase({ kind: 'sqlite', file: ':memory:' })
afterAll(() => db.close())

describe('preparedQuery', () => {
  it('binds each call’s arguments where they stand, keeping the query’s own constants', async () => {
    await sql`create table organisations (id text primary key, name text not null)`.execute(db.kysely)
    await sql`insert into organisations values ('a', 'alpha'), ('b', 'beta'), ('c', 'gamma')`.execute(db.kysely)
    // The constant 'gamma' sits between the two arguments in the compiled parameters.
    const pick = preparedQuery((k, first: string, second: string) =>
      k
        .selectFrom('organisations')
        .select(['id', 'name'])
        .where((eb) => eb.or([eb('name', '=', first), eb('name', '=', 'gamma'), eb('id', '=', second)]))
        .orderBy('id'),
    )
    expect(await pick(db.kysely, 'alpha', 'b')).toEqual([
      { id: 'a', name: 'alpha' },
      { id: 'b', name: 'beta' },
      { id: 'c', name: 'gamma' },
    ])
    expect(await pick(db.kysely, 'beta', 'zzz')).toEqual([
      { id: 'b', name: 'beta' },
      { id: 'c', name: 'gamma' },
    ])
    // Inside a transaction too (same dialect, the kept compilation).
    const inTx = await db.kysely.transaction().execute((tx) => pick(tx, 'nobody', 'a'))
    expect(inTx.map((r) => r.id)).toEqual(['a', 'c'])
  })

  it('refuses a query in which an argument is not exactly one bound parameter', async () => {
    const twice = preparedQuery((k, name: string) =>
      k.selectFrom('organisations').select('id').where('name', '=', name).where('id', '=', name),
    )
    await expect(twice(db.kysely, 'alpha')).rejects.toThrow(/argument 0/)
  })
})
