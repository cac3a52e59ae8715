// The Hugging Face LFS upload spread over two replicas of one database (a PostgreSQL schema, a SQLite file): the
// batch answered by one, the PUT and the commit sent to the other, a replica starting in between (which sweeps
// unreferenced blobs) freeing nothing that is held; expired URLs and holds refused and collected.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bytesOf } from '../compat/hf-kit.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp, openTestReplica, testClock, unitLane } from '../helpers/registry.js'

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const ndjson = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')
const HOUR = 3600_000

describe.skipIf(unitLane).each(dialects)('Hugging Face LFS uploads across two replicas on %s', (dialect) => {
  const clock = testClock(new Date().toISOString())
  let a: Awaited<ReturnType<typeof openTestApp>>
  let b: Awaited<ReturnType<typeof openTestReplica>>
  beforeAll(async () => {
    a = await openTestApp(dialect, { clock })
    b = await openTestReplica(a)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })
  type Replica = typeof a.app | typeof b.app

  async function newRepo(on: Replica): Promise<string> {
    const name = uniqueName('hf-replicas')
    const res = await on.inject({
      method: 'POST',
      url: '/hf/api/repos/create',
      payload: { name, organization: 'default' },
    })
    expect(res.statusCode, res.body).toBe(200)
    return `default/${name}`
  }
  async function batch(on: Replica, repo: string, bytes: Buffer): Promise<string> {
    const res = await on.inject({
      method: 'POST',
      url: `/hf/${repo}.git/info/lfs/objects/batch`,
      headers: { 'content-type': 'application/vnd.git-lfs+json' },
      payload: JSON.stringify({
        operation: 'upload',
        transfers: ['basic'],
        objects: [{ oid: sha256(bytes), size: bytes.length }],
      }),
    })
    expect(res.statusCode, res.body).toBe(200)
    return String(res.json().objects[0].actions.upload.href).replace(/^http:\/\/[^/]+/, '')
  }
  const put = (on: Replica, href: string, bytes: Buffer) =>
    on.inject({ method: 'PUT', url: href, payload: bytes, headers: { authorization: '' } })
  const commit = (on: Replica, repo: string, path: string, bytes: Buffer) =>
    on.inject({
      method: 'POST',
      url: `/hf/api/models/${repo}/commit/main`,
      headers: { 'content-type': 'application/x-ndjson' },
      payload: ndjson(
        { key: 'header', value: { summary: 'weights' } },
        { key: 'lfsFile', value: { path, algo: 'sha256', oid: sha256(bytes), size: bytes.length } },
      ),
    })
  /** Another start of the registry: its start-up collects unreferenced blobs. */
  async function startAnotherReplica(): Promise<void> {
    const c = await openTestReplica(a)
    await c.close()
  }
  const holds = async () => {
    const rows = await a.db.kysely.selectFrom('hf_lfs_objects').select('token_hash').execute()
    return rows.length
  }

  it('takes the batch on one replica and the PUT and commit on the other; a start-up in between frees nothing', async () => {
    clock.set(new Date().toISOString())
    const repo = await newRepo(a.app)
    const weights = bytesOf(3000, 21)
    const href = await batch(a.app, repo, weights)
    const stored = await put(b.app, href, weights)
    expect(stored.statusCode, stored.body).toBe(200)
    await startAnotherReplica()
    expect(await a.blobs.stat(sha256(weights))).toMatchObject({ size: 3000 })
    const done = await commit(b.app, repo, 'model.safetensors', weights)
    expect(done.statusCode, done.body).toBe(200)
    expect(await holds()).toBe(0)
    const download = await a.app.inject({ url: `/hf/${repo}/resolve/main/model.safetensors` })
    expect(download.statusCode).toBe(200)
    expect(download.rawPayload.equals(weights)).toBe(true)
  })

  it('refuses an upload URL past its hour on any replica, and one that was never issued', async () => {
    clock.set(new Date().toISOString())
    const repo = await newRepo(b.app)
    const bytes = bytesOf(1500, 22)
    const href = await batch(b.app, repo, bytes)
    clock.set(new Date(Date.now() + 2 * HOUR).toISOString())
    const late = await put(a.app, href, bytes)
    expect(late.statusCode).toBe(403)
    expect(late.headers['x-error-message']).toMatch(/expired/)
    const forged = await put(a.app, `/hf/lfs-objects/${'x'.repeat(43)}`, bytes)
    expect(forged.statusCode).toBe(403)
    expect(await a.blobs.stat(sha256(bytes))).toBeUndefined()
  })

  it('lets a hold expire after a day: its bytes are collected and a commit naming them is refused', async () => {
    clock.set(new Date().toISOString())
    const repo = await newRepo(a.app)
    const bytes = bytesOf(2500, 23)
    const stored = await put(b.app, await batch(a.app, repo, bytes), bytes)
    expect(stored.statusCode, stored.body).toBe(200)
    clock.set(new Date(Date.now() + 25 * HOUR).toISOString())
    await startAnotherReplica()
    expect(await a.blobs.stat(sha256(bytes))).toBeUndefined()
    const refused = await commit(a.app, repo, 'w.bin', bytes)
    expect(refused.statusCode, refused.body).toBe(400)
    expect(await holds()).toBe(0)
  })
})
