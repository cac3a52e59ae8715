// Two replicas of one PostgreSQL database, each with its own connections and HTTP app: a session made on one is
// honoured by the other, and wrong passwords spread over both meet one sign-in budget.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { openRegistry } from '../../src/bootstrap.js'
import { postgresUrl } from '../helpers/registry.js'

const PASSWORD = 'two-replicas-admin-password'

async function query(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

describe('two replicas on one PostgreSQL database', () => {
  const schema = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-replicas-'))
  let replicas: { close(): Promise<void>; inject: Awaited<ReturnType<typeof buildApp>>['inject'] }[] = []
  beforeAll(async () => {
    await query(`create schema ${schema}`)
    const open = async () => {
      const registry = await openRegistry({
        database: { kind: 'postgres', url: postgresUrl },
        pgSchema: `${schema},public`,
        blobRoot: dir,
        adminPassword: PASSWORD,
      })
      const app = await buildApp({ db: registry.db, services: registry.services })
      return {
        inject: app.inject.bind(app),
        close: async () => {
          await app.close()
          await registry.db.close()
        },
      }
    }
    replicas = await Promise.all([open(), open()])
  })
  afterAll(async () => {
    for (const r of replicas) await r.close()
    await query(`drop schema ${schema} cascade`)
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const login = (i: number, password: string, username = 'admin') =>
    replicas[i % 2]?.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
      remoteAddress: '192.0.2.10',
    })

  it('honours a session made on the other replica', async () => {
    const signedIn = await login(0, PASSWORD)
    expect(signedIn?.statusCode).toBe(200)
    const cookie = signedIn?.cookies.map((c) => `${c.name}=${c.value}`).join('; ') ?? ''
    const res = await replicas[1]?.inject({ method: 'GET', url: '/api/v1/orgs', headers: { cookie } })
    expect(res?.statusCode).toBe(200)
  })

  it('throttles wrong passwords spread over both replicas at the documented limit (5, then 429)', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) statuses.push((await login(i, `wrong-${i}`))?.statusCode ?? 0)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
  })
})
