import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type { S3BlobStore } from '../../src/blobs/s3-blob-store.js'
import type { Dialect } from '../../src/db/database.js'
import { uniqueName } from '../helpers/factories.js'
import { type BlobBackend, dialects, openTestApp, testClock, unitLane } from '../helpers/registry.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** Both databases with parts in the local blob directory; parts in the S3 bucket (a real Ceph RGW) once. */
const setups: [Dialect, BlobBackend][] = [...dialects.map((d): [Dialect, BlobBackend] => [d, 'fs'])]
if (!unitLane) setups.push(['postgres', 's3'])

type App = Awaited<ReturnType<typeof openTestApp>>

/** A new model with an upload session for `body`; its id and the version's URL. */
async function openSession(t: App, prefix: string, body: Record<string, unknown>) {
  const name = uniqueName(prefix)
  await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'pytorch' } })
  const url = `/api/v1/models/default/${name}/versions/1.0.0`
  const res = await t.app.inject({ method: 'POST', url: `${url}/uploads`, payload: body })
  expect(res.statusCode, res.payload).toBe(201)
  return { id: res.json().id as string, url }
}

const sendPart = (t: App, id: string, n: number, bytes: Buffer, headers: Record<string, string> = {}) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/uploads/${id}/parts/${n}`,
    payload: bytes,
    headers: { 'content-type': 'application/octet-stream', ...headers },
  })

describe.each(setups)('resumable uploads on %s with %s blobs', (dialect, blobs) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp(dialect, { blobs: unitLane ? undefined : blobs })
  })
  afterAll(async () => {
    await t.close()
  })

  const session = (body: Record<string, unknown>) => openSession(t, 'resumable', body)
  const putPart = (id: string, n: number, bytes: Buffer, headers: Record<string, string> = {}) =>
    sendPart(t, id, n, bytes, headers)

  it('takes parts in any order, retried, and completes into a verified artifact', async () => {
    const file = randomBytes(700_000)
    const parts = [file.subarray(0, 300_000), file.subarray(300_000, 600_000), file.subarray(600_000)]
    const { id, url } = await session({ path: 'weights/model.safetensors', size: file.length, sha256: sha(file) })
    expect((await putPart(id, 3, parts[2] as Buffer)).statusCode).toBe(200)
    expect((await putPart(id, 1, randomBytes(10))).statusCode).toBe(200)
    expect((await putPart(id, 1, parts[0] as Buffer)).json()).toMatchObject({ number: 1, size: 300_000 })
    const resume = await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}` })
    expect(resume.json()).toMatchObject({ parts: [{ number: 1 }, { number: 3 }], receivedBytes: 400_000 })
    const early = await t.app.inject({
      method: 'POST',
      url: `/api/v1/uploads/${id}/complete`,
      payload: { parts: [1, 2, 3] },
    })
    expect(early.statusCode).toBe(400)
    expect(early.json().error.message).toMatch(/not received: 2/)
    expect(
      (await putPart(id, 2, parts[1] as Buffer, { 'x-checksum-sha256': sha(parts[1] as Buffer) })).statusCode,
    ).toBe(200)
    const done = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete`, payload: {} })
    expect(done.statusCode, done.payload).toBe(201)
    expect(done.json()).toMatchObject({ path: 'weights/model.safetensors', size: file.length, sha256: sha(file) })
    const down = await t.app.inject({ method: 'GET', url: `${url}/artifacts/weights/model.safetensors` })
    expect(down.rawPayload.equals(file)).toBe(true)
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}` })).statusCode).toBe(404)
  })

  it('refuses a completed upload whose bytes do not match, and keeps the session to fix a part', async () => {
    const file = randomBytes(1000)
    const { id, url } = await session({ path: 'a.bin', sha256: sha(file) })
    await putPart(id, 1, randomBytes(1000))
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code, res.payload).toBe('CHECKSUM_MISMATCH')
    expect((await t.app.inject({ method: 'GET', url: `${url}/artifacts` })).json().items).toEqual([])
    await putPart(id, 1, file)
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })).statusCode).toBe(201)
  })

  it('keeps the part already received when a retry of it fails its checksum, and leaves no parts once complete', async () => {
    const file = randomBytes(2000)
    const { id, url } = await session({ path: 'kept.bin', sha256: sha(file) })
    expect((await putPart(id, 1, file, { 'x-checksum-sha256': sha(file) })).statusCode).toBe(200)
    const bad = await putPart(id, 1, randomBytes(2000), { 'x-checksum-sha256': sha(file) })
    expect(bad.json().error.code).toBe('CHECKSUM_MISMATCH')
    expect(await t.parts.list()).toContain(id)
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })).statusCode).toBe(201)
    expect(await t.parts.list()).not.toContain(id)
    expect((await t.app.inject({ method: 'GET', url: `${url}/artifacts/kept.bin` })).rawPayload.equals(file)).toBe(true)
    expect(await t.leftovers()).toEqual([])
  })

  it('refuses a part whose checksum header does not match', async () => {
    const { id } = await session({ path: 'a.bin' })
    const res = await putPart(id, 1, Buffer.from('abc'), { 'x-checksum-sha256': sha(Buffer.from('abd')) })
    expect(res.statusCode).toBe(400)
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}` })).json().parts).toEqual([])
  })

  it('checks the declared size, gaps and part numbers', async () => {
    const { id } = await session({ path: 'a.bin', size: 10 })
    await putPart(id, 1, Buffer.from('12345'))
    await putPart(id, 3, Buffer.from('12345'))
    const gap = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(gap.statusCode).toBe(400)
    expect((await putPart(id, 0, Buffer.from('x'))).statusCode).toBe(400)
    expect((await putPart(id, 10_001, Buffer.from('x'))).statusCode).toBe(400)
    const size = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete`, payload: { parts: [1] } })
    expect(size.json().error.message).toMatch(/declared 10/)
  })

  it('aborts a session and forgets it; unknown ids answer 404', async () => {
    const { id } = await session({ path: 'a.bin' })
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${id}` })).statusCode).toBe(204)
    expect((await putPart(id, 1, Buffer.from('x'))).statusCode).toBe(404)
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/uploads/00000000-0000-0000-0000-000000000000' })).statusCode,
    ).toBe(404)
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/uploads/not-an-id' })).statusCode).toBe(400)
  })

  it('refuses to start an upload into a frozen version or with a bad path', async () => {
    const { url } = await session({ path: 'a.bin' })
    expect((await t.app.inject({ method: 'POST', url: `${url}/uploads`, payload: { path: '../x' } })).statusCode).toBe(
      400,
    )
    await t.app.inject({ method: 'PATCH', url, payload: { status: 'completed' } })
    const frozen = await t.app.inject({ method: 'POST', url: `${url}/uploads`, payload: { path: 'b.bin' } })
    expect(frozen.statusCode).toBe(409)
  })
})

describe.each(dialects)('upload limits and expiry on %s', (dialect) => {
  const clock = testClock('2026-03-01T00:00:00.000Z')
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp(dialect, {
      clock,
      maxArtifactBytes: 1000,
      maxUploadSessionsPerUser: 4,
      maxUploadBytesPerUser: 1500,
    })
  })
  afterAll(async () => {
    await t.close()
  })
  afterEach(async () => {
    // Each test starts with nothing open.
    for (const id of await t.store.pool.uploads.listExpired('9999-01-01T00:00:00.000Z', 1000)) {
      await t.services.uploads.abort(id)
    }
  })

  async function session(body: Record<string, unknown> = { path: 'a.bin' }) {
    const name = uniqueName('limits')
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'pytorch' } })
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/models/default/${name}/versions/1.0.0/uploads`,
      payload: body,
    })
    return res
  }
  const id = async (body?: Record<string, unknown>) => {
    const res = await session(body)
    expect(res.statusCode, res.payload).toBe(201)
    return res.json().id as string
  }
  const putPart = (upload: string, n: number, size: number) =>
    t.app.inject({
      method: 'PUT',
      url: `/api/v1/uploads/${upload}/parts/${n}`,
      payload: randomBytes(size),
      headers: { 'content-type': 'application/octet-stream' },
    })
  const status = async (upload: string) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${upload}` })).statusCode

  it('holds the artifact limit on the session total: the part that crosses it gets 413 and the session is gone', async () => {
    const upload = await id()
    expect((await putPart(upload, 1, 600)).statusCode).toBe(200)
    // A retry replaces the part: it counts once.
    expect((await putPart(upload, 1, 600)).statusCode).toBe(200)
    const crossing = await putPart(upload, 2, 600)
    expect(crossing.statusCode).toBe(413)
    expect(crossing.json().error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', details: { limit: 1000 } })
    expect(await status(upload)).toBe(404)
    expect(await t.parts.list()).not.toContain(upload)
    expect((await putPart(upload, 3, 10)).statusCode).toBe(404)
  })

  it('refuses parts sent at the same time once their total crosses the limit, leaving nothing', async () => {
    const upload = await id()
    const results = await Promise.all([1, 2, 3].map((n) => putPart(upload, n, 400)))
    expect(results.map((r) => r.statusCode)).toContain(413)
    expect(await status(upload)).toBe(404)
    expect(await t.parts.list()).not.toContain(upload)
  })

  it('caps the open sessions of a user', async () => {
    const open = [await id(), await id(), await id(), await id()]
    const fifth = await session()
    expect(fifth.statusCode).toBe(409)
    expect(fifth.json().error).toMatchObject({ code: 'CONFLICT', details: { limit: 4 } })
    // The caller finds them to abort one.
    const listed = await t.app.inject({ method: 'GET', url: '/api/v1/uploads' })
    expect(
      listed
        .json()
        .items.map((u: { id: string }) => u.id)
        .sort(),
    ).toEqual([...open].sort())
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${open[0]}` })).statusCode).toBe(204)
    expect((await session()).statusCode).toBe(201)
  })

  it('caps the bytes in a user\u2019s open sessions: the part is refused, the session stays', async () => {
    const first = await id()
    const second = await id()
    expect((await putPart(first, 1, 900)).statusCode).toBe(200)
    const over = await putPart(second, 1, 700)
    expect(over.statusCode).toBe(413)
    expect(over.json().error.details).toEqual({ limit: 1500 })
    expect(await status(second)).toBe(200)
    expect((await putPart(second, 1, 600)).statusCode).toBe(200)
    expect((await session({ path: 'b.bin', size: 1 })).statusCode).toBe(413)
  })

  it('sweeps expired sessions and parts whose session is gone, driven by its clock', async () => {
    const old = await id()
    expect((await putPart(old, 1, 10)).statusCode).toBe(200)
    const orphan = randomUUID()
    await t.parts.write(orphan, 1, Readable.from([Buffer.from('left behind')]), {})
    clock.set('2026-03-05T00:00:00.000Z')
    const fresh = await id()
    expect((await putPart(fresh, 1, 10)).statusCode).toBe(200)
    clock.set('2026-03-09T00:00:00.000Z')
    expect(await t.services.uploads.sweepExpired()).toBe(1)
    expect(await t.parts.list()).toEqual([fresh])
    expect(await status(fresh)).toBe(200)
  })

  it('sweeps on an unref\u2019d interval until stopped', async () => {
    const old = await id()
    clock.set('2026-04-01T00:00:00.000Z')
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const errors: unknown[] = []
      const sweeper = t.services.uploads.startSweeping(60_000, (err) => errors.push(err))
      expect(await t.store.pool.uploads.find(old)).toBeDefined()
      await vi.advanceTimersByTimeAsync(60_000)
      await sweeper.stop()
      expect(await t.store.pool.uploads.find(old)).toBeUndefined()
      expect(errors).toEqual([])
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})

/** Parts of S3's sizes go into the session's native multipart upload in the bucket (a real Ceph RGW). */
describe.skipIf(unitLane)('resumable uploads as native multipart uploads on S3', () => {
  const MiB = 1024 * 1024
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp('postgres', { blobs: 's3' })
  })
  afterAll(async () => {
    await t.close()
  })

  /** Multipart uploads in progress in the bucket for this session. */
  const multipart = async (id: string) => {
    const bucket = t.options.s3?.bucket as string
    const res = await (t.blobs as S3BlobStore).client.send(
      new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `uploads/${id}/` }),
    )
    return (res.Uploads ?? []).map((u) => u.Key)
  }
  const session = (body: Record<string, unknown>) => openSession(t, 'multipart', body)
  const putPart = (id: string, n: number, bytes: Buffer, headers: Record<string, string> = {}) =>
    sendPart(t, id, n, bytes, headers)

  it('aborts the multipart upload of a cancelled session and of an expired one', async () => {
    const cancelled = await session({ path: 'a.bin' })
    expect((await putPart(cancelled.id, 1, randomBytes(5 * MiB))).statusCode).toBe(200)
    expect(await multipart(cancelled.id)).toEqual([`uploads/${cancelled.id}/whole`])
    expect((await t.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${cancelled.id}` })).statusCode).toBe(204)
    expect(await multipart(cancelled.id)).toEqual([])

    const expired = await session({ path: 'b.bin' })
    expect((await putPart(expired.id, 1, randomBytes(5 * MiB))).statusCode).toBe(200)
    expect(await multipart(expired.id)).toHaveLength(1)
    expect(await t.services.uploads.sweepExpired('9999-01-01T00:00:00.000Z')).toBeGreaterThanOrEqual(1)
    expect(await multipart(expired.id)).toEqual([])
    expect(await t.parts.list()).not.toContain(expired.id)
  })

  it('asks again for the parts a failed complete used up, and completes once they are sent again', async () => {
    const file = randomBytes(6 * MiB + 100)
    const parts = [file.subarray(0, 6 * MiB), file.subarray(6 * MiB)]
    const { id, url } = await session({ path: 'w.bin', sha256: sha(file) })
    expect((await putPart(id, 1, randomBytes(6 * MiB))).statusCode).toBe(200)
    expect((await putPart(id, 2, parts[1] as Buffer)).statusCode).toBe(200)
    const bad = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error).toMatchObject({ code: 'CHECKSUM_MISMATCH', details: { missing: [1] } })
    const resume = await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}` })
    expect(resume.json().parts.map((p: { number: number }) => p.number)).toEqual([2])
    expect((await putPart(id, 1, parts[0] as Buffer)).statusCode).toBe(200)
    const done = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode, done.payload).toBe(201)
    expect((await t.app.inject({ method: 'GET', url: `${url}/artifacts/w.bin` })).rawPayload.equals(file)).toBe(true)
    expect(await multipart(id)).toEqual([])
    expect(await t.parts.list()).not.toContain(id)
    expect(await t.leftovers()).toEqual([])
  })

  it('takes a part sent again after S3 lost the session\u2019s multipart upload, and completes', async () => {
    const file = randomBytes(5 * MiB + 10)
    const parts = [file.subarray(0, 5 * MiB), file.subarray(5 * MiB)]
    const { id, url } = await session({ path: 'lost.bin', sha256: sha(file) })
    expect((await putPart(id, 1, parts[0] as Buffer)).statusCode).toBe(200)
    // Aborted behind the registry's back (a lifecycle rule, an operator).
    const bucket = t.options.s3?.bucket as string
    const client = (t.blobs as S3BlobStore).client
    for (const u of (await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: `uploads/${id}/` })))
      .Uploads ?? []) {
      await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }))
    }
    expect((await putPart(id, 2, parts[1] as Buffer)).statusCode).toBe(200)
    const lost = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(lost.statusCode).toBe(409)
    expect(lost.json().error.details).toMatchObject({ missing: [1] })
    const failed = await putPart(id, 1, parts[0] as Buffer)
    expect(failed.statusCode, failed.payload).toBe(200)
    const done = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode, done.payload).toBe(201)
    expect((await t.app.inject({ method: 'GET', url: `${url}/artifacts/lost.bin` })).rawPayload.equals(file)).toBe(true)
  })

  it('names a part whose resend failed its checksum at complete, and takes it sent again', async () => {
    const file = randomBytes(6 * MiB + 10)
    const parts = [file.subarray(0, 6 * MiB), file.subarray(6 * MiB)]
    const { id } = await session({ path: 'r.bin', sha256: sha(file) })
    const good = parts[0] as Buffer
    expect((await putPart(id, 1, good, { 'x-checksum-sha256': sha(good) })).statusCode).toBe(200)
    const resend = await putPart(id, 1, randomBytes(6 * MiB), { 'x-checksum-sha256': sha(good) })
    expect(resend.json().error.code).toBe('CHECKSUM_MISMATCH')
    expect((await putPart(id, 2, parts[1] as Buffer)).statusCode).toBe(200)
    const named = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(named.statusCode).toBe(400)
    expect(named.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { missing: [1] } })
    expect((await putPart(id, 1, good, { 'x-checksum-sha256': sha(good) })).statusCode).toBe(200)
    const done = await t.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode, done.payload).toBe(201)
    expect(done.json()).toMatchObject({ size: file.length, sha256: sha(file) })
  })
})
