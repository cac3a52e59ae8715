// modelreg-admin's backup, restore and verify on SQLite + local blobs: a backup taken while four clients write
// (and one deletes) restores into an empty data directory with every acknowledged version and file identical.
import { spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backup, type LocalRegistry, restore, verifyBackup, verifyRegistry } from '../../src/admin/backup.js'
import { buildApp } from '../../src/app.js'
import type { FsBlobStore } from '../../src/blobs/fs-blob-store.js'
import { openRegistry } from '../../src/bootstrap.js'
import { ADMIN_PASSWORD, openTestApp } from '../helpers/registry.js'

/** The built command (npx tsc -b), as npm installs it as modelreg-admin. */
const adminMain = path.resolve(import.meta.dirname, '../../dist/admin/main.js')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

interface Written {
  model: string
  version: string
  file: string
  bytes: Buffer
}

describe('backup and restore of a SQLite registry with local blobs', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let live: LocalRegistry
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-backup-'))
  const backupDir = path.join(scratch, 'backup')
  const restored: LocalRegistry = {
    databaseFile: path.join(scratch, 'restored', 'modelreg.sqlite'),
    blobRoot: path.join(scratch, 'restored', 'blobs'),
  }
  /** Writes acknowledged before the backup started: all of them must be in it. */
  const before: Written[] = []

  beforeAll(async () => {
    t = await openTestApp('sqlite', { blobs: 'fs' })
    // The test helper's layout: <dir>/registry.sqlite beside <dir>/blobs.
    const blobRoot = path.dirname((t.blobs as FsBlobStore).tmpDir)
    live = { databaseFile: path.join(path.dirname(blobRoot), 'registry.sqlite'), blobRoot }
  })
  afterAll(async () => {
    await t.close()
    fs.rmSync(scratch, { recursive: true, force: true })
  })

  async function write(client: number, n: number): Promise<Written> {
    const model = `c${client}-m${n}`
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { name: model, framework: 'onnx', version: '1.0.0' },
    })
    expect(created.statusCode).toBe(201)
    const bytes = randomBytes(1024 + n * 97)
    const file = `weights-${n}.bin`
    const put = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/models/default/${model}/versions/1.0.0/artifacts/${file}`,
      payload: bytes,
      headers: { 'content-type': 'application/octet-stream', 'x-checksum-sha256': sha(bytes) },
    })
    expect(put.statusCode).toBe(201)
    return { model, version: '1.0.0', file, bytes }
  }

  it('takes a backup while four clients write and one deletes, and restores it byte for byte', async () => {
    for (let i = 0; i < 12; i++) before.push(await write(9, i))
    let writing = true
    const during: Written[] = []
    const clients = [0, 1, 2, 3].map(async (c) => {
      for (let n = 0; writing; n++) during.push(await write(c, n))
    })
    // Deleting models while the backup copies blobs: their unique bytes go (the backup must stay consistent).
    const deleter = (async () => {
      for (const w of before.splice(8)) {
        const res = await t.app.inject({ method: 'DELETE', url: `/api/v1/models/default/${w.model}` })
        expect([200, 204]).toContain(res.statusCode)
      }
    })()
    const manifest = await backup(live, backupDir)
    writing = false
    await Promise.all([...clients, deleter])
    expect(during.length).toBeGreaterThan(0)

    expect(await verifyBackup(backupDir)).toEqual({ checked: manifest.blobs.length, missing: [], corrupt: [] })
    await restore(backupDir, restored)
    expect(await verifyRegistry(restored)).toEqual({ checked: manifest.blobs.length, missing: [], corrupt: [] })

    const registry = await openRegistry({
      database: { kind: 'sqlite', file: restored.databaseFile },
      blobRoot: restored.blobRoot,
      adminPassword: ADMIN_PASSWORD,
    })
    const app = await buildApp({ db: registry.db, services: registry.services })
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username: 'admin', password: ADMIN_PASSWORD },
      })
      const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
      const get = (url: string) => app.inject({ method: 'GET', url, headers: { cookie } })
      // Every write acknowledged before the backup began, identical; anything in the backup, readable and whole.
      for (const w of before) {
        const down = await get(`/api/v1/models/default/${w.model}/versions/${w.version}/artifacts/${w.file}`)
        expect(down.statusCode).toBe(200)
        expect(down.rawPayload.equals(w.bytes)).toBe(true)
      }
      for (const w of during) {
        const list = await get(`/api/v1/models/default/${w.model}/versions/${w.version}/artifacts`)
        if (list.statusCode === 404) continue
        for (const item of list.json().items as { path: string; sha256: string }[]) {
          const down = await get(`/api/v1/models/default/${w.model}/versions/${w.version}/artifacts/${item.path}`)
          expect(sha(down.rawPayload)).toBe(item.sha256)
          expect(down.rawPayload.equals(w.bytes)).toBe(true)
        }
      }
    } finally {
      await app.close()
      await registry.db.close()
    }
  }, 120_000)

  it('refuses to restore over an existing database, and to back up into a directory that is not empty', async () => {
    await expect(restore(backupDir, restored)).rejects.toThrow(/restore into an empty data directory/)
    await expect(backup(live, backupDir)).rejects.toThrow(/not empty/)
  })

  it('reports blobs deleted or altered behind the registry’s back', async () => {
    const [first, second] = listed(restored)
    if (!first || !second) throw new Error('expected at least two blobs')
    fs.rmSync(first)
    fs.writeFileSync(second, 'not the bytes it was')
    const report = await verifyRegistry(restored)
    expect(report.missing).toEqual([path.basename(first)])
    expect(report.corrupt).toEqual([path.basename(second)])
    // The same through the command, configured like the server (the restored directory is a data directory).
    const cli = spawnSync(process.execPath, [adminMain, 'verify'], {
      env: { ...process.env, MODELREG_DATA_DIR: path.dirname(restored.databaseFile), DATABASE_URL: '' },
      encoding: 'utf8',
    })
    expect(cli.status).toBe(1)
    expect(cli.stdout).toContain('1 missing, 1 corrupt')
    expect(cli.stdout).toContain(`missing ${path.basename(first)}`)
  })
})

/** The blob files of a local store, sorted. */
function listed(registry: LocalRegistry): string[] {
  const root = path.join(registry.blobRoot, 'blobs', 'sha256')
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((f) => f.isFile())
    .map((f) => path.join(f.parentPath, f.name))
    .sort()
}
