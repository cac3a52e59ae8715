// Replicas that start together on one empty PostgreSQL database: migrations and the first-start admin run once,
// under an advisory lock, and every replica comes up (before the lock, one of two crashed on users_username_key).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { openRegistry } from '../../src/bootstrap.js'
import { postgresUrl } from '../helpers/registry.js'

async function query<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    return (await client.query<T>(text)).rows
  } finally {
    await client.end()
  }
}

describe('replicas starting together on an empty PostgreSQL database', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-start-'))
  const schemas: string[] = []
  afterAll(async () => {
    for (const schema of schemas) await query(`drop schema ${schema} cascade`)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('come up, both of them, with one admin, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const schema = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
      await query(`create schema ${schema}`)
      schemas.push(schema)
      const open = () =>
        openRegistry({
          database: { kind: 'postgres', url: postgresUrl },
          pgSchema: `${schema},public`,
          blobRoot: path.join(dir, schema),
        })
      const replicas = await Promise.allSettled([open(), open()])
      for (const r of replicas) if (r.status === 'fulfilled') await r.value.db.close()
      expect(replicas.map((r) => (r.status === 'rejected' ? String(r.reason) : 'up'))).toEqual(['up', 'up'])
      const admins = await query<{ n: number }>(`select count(*)::int as n from ${schema}.users`)
      expect(admins[0]?.n).toBe(1)
      // Exactly one of them printed the one-time password.
      const printed = replicas.filter((r) => r.status === 'fulfilled' && r.value.firstAdminPassword !== undefined)
      expect(printed).toHaveLength(1)
    }
  }, 120_000)
})
