// Opens a real registry on SQLite (a temp file) or PostgreSQL (a fresh schema in the test database).
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { buildApp } from '../../src/app.js'
import { openRegistry } from '../../src/bootstrap.js'
import type { Dialect } from '../../src/db/database.js'

export const dialects: readonly Dialect[] = ['sqlite', 'postgres']
export const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A clock tests can move: starts at a fixed instant, advances 1 s per reading unless set. */
export function testClock(start = '2026-01-01T00:00:00.000Z') {
  let t = Date.parse(start)
  const clock = () => {
    const now = new Date(t).toISOString()
    t += 1000
    return now
  }
  clock.set = (iso: string) => {
    t = Date.parse(iso)
  }
  return clock
}

export async function openTestRegistry(
  dialect: Dialect,
  opts: { clock?: () => string; maxArtifactBytes?: number } = {},
) {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-test-'))
    const registry = await openRegistry({
      database: { kind: 'sqlite', file: path.join(dir, 'registry.sqlite') },
      blobRoot: path.join(dir, 'blobs'),
      ...opts,
    })
    return {
      ...registry,
      close: async () => {
        await registry.db.close()
        fs.rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  // The creation time in the name lets a later run drop schemas that an interrupted run left behind.
  const schema = `t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: postgresUrl })
  await admin.connect()
  try {
    await admin.query(`create schema ${schema}`)
  } finally {
    await admin.end()
  }
  const blobDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-blobs-'))
  const registry = await openRegistry({
    database: { kind: 'postgres', url: postgresUrl },
    blobRoot: blobDir,
    pgSchema: `${schema},public`,
    ...opts,
  })
  return {
    ...registry,
    close: async () => {
      await registry.db.close()
      fs.rmSync(blobDir, { recursive: true, force: true })
      const c = new pg.Client({ connectionString: postgresUrl })
      await c.connect()
      await c.query(`drop schema ${schema} cascade`)
      await c.end()
    },
  }
}

export type TestRegistry = Awaited<ReturnType<typeof openTestRegistry>>

export async function openTestApp(dialect: Dialect, opts: { clock?: () => string; maxArtifactBytes?: number } = {}) {
  const registry = await openTestRegistry(dialect, opts)
  const app = await buildApp({ db: registry.db, services: registry.services })
  return {
    ...registry,
    app,
    close: async () => {
      await app.close()
      await registry.close()
    },
  }
}
