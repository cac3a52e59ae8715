// Upload parts live in the shared blob store: a session whose parts land on two replicas completes on either,
// with the parts in the local blob directory and in a real S3 bucket (Ceph RGW).
import { createHash, randomBytes } from 'node:crypto'
import http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { type BlobBackend, openTestApp, openTestReplica, unitLane } from '../helpers/registry.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const backends: BlobBackend[] = ['fs', 's3']

describe.skipIf(unitLane).each(backends)('an upload spread over two replicas with %s blobs', (blobs) => {
  let a: Awaited<ReturnType<typeof openTestApp>>
  let b: Awaited<ReturnType<typeof openTestReplica>>
  beforeAll(async () => {
    a = await openTestApp('postgres', { blobs })
    b = await openTestReplica(a)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  async function session(file: Buffer) {
    const name = uniqueName('spread')
    await a.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'pytorch' } })
    const url = `/api/v1/models/default/${name}/versions/1.0.0`
    const res = await b.app.inject({
      method: 'POST',
      url: `${url}/uploads`,
      payload: { path: 'weights.bin', size: file.length, sha256: sha(file) },
    })
    expect(res.statusCode, res.payload).toBe(201)
    return { id: res.json().id as string, url }
  }
  const put = (replica: typeof a.app | typeof b.app, id: string, n: number, bytes: Buffer) =>
    replica.inject({
      method: 'PUT',
      url: `/api/v1/uploads/${id}/parts/${n}`,
      payload: bytes,
      headers: { 'content-type': 'application/octet-stream', 'x-checksum-sha256': sha(bytes) },
    })

  it.each([
    ['the replica that took the first part', 0],
    ['the replica that took the last part', 1],
  ])('completes on %s, byte for byte, leaving no parts behind', async (_, completer) => {
    const file = randomBytes(3 * 1024 * 1024 + 123)
    const chunks = [0, 1, 2, 3].map((i) => file.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024))
    const { id, url } = await session(file)
    // Parts 1 and 3 on one replica, 2 and 4 on the other, sent at the same time.
    const sent = await Promise.all(chunks.map((c, i) => put(i % 2 === 0 ? a.app : b.app, id, i + 1, c)))
    expect(sent.map((r) => r.statusCode)).toEqual([200, 200, 200, 200])
    const done = await (completer === 0 ? a : b).app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode, done.payload).toBe(201)
    expect(done.json()).toMatchObject({ size: file.length, sha256: sha(file) })
    for (const replica of [a.app, b.app]) {
      const down = await replica.inject({ method: 'GET', url: `${url}/artifacts/weights.bin` })
      expect(down.rawPayload.equals(file)).toBe(true)
    }
    expect(await a.parts.list()).not.toContain(id)
    expect(await a.leftovers()).toEqual([])
  })

  it('keeps the part received before when a resend of it is cut off mid-stream', async () => {
    const file = randomBytes(2 * 1024 * 1024)
    const { id, url } = await session(file)
    expect((await put(a.app, id, 1, file)).statusCode).toBe(200)
    const base = await b.app.listen({ port: 0, host: '127.0.0.1' })
    // Declares 8 MiB, sends 1 MiB, goes away.
    await new Promise<void>((resolve) => {
      const req = http.request(`${base}/api/v1/uploads/${id}/parts/1`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${a.token}`,
          'content-type': 'application/octet-stream',
          'content-length': String(8 * 1024 * 1024),
        },
      })
      req.on('error', () => resolve())
      req.write(randomBytes(1024 * 1024), () => {
        req.destroy()
        resolve()
      })
    })
    const done = await a.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode, done.payload).toBe(201)
    const down = await b.app.inject({ method: 'GET', url: `${url}/artifacts/weights.bin` })
    expect(down.rawPayload.equals(file)).toBe(true)
  })

  it('sweeps the parts of a session aborted on the other replica wherever they were taken', async () => {
    const file = randomBytes(1000)
    const { id } = await session(file)
    expect((await put(b.app, id, 1, file)).statusCode).toBe(200)
    expect(await a.parts.list()).toContain(id)
    expect((await a.app.inject({ method: 'DELETE', url: `/api/v1/uploads/${id}` })).statusCode).toBe(204)
    expect(await b.parts.list()).not.toContain(id)
  })

  it('hashes parts of S3 sizes as they arrive, and a part replaced after it was hashed is hashed again', async () => {
    const MiB = 1024 * 1024
    const first = randomBytes(6 * MiB)
    const second = randomBytes(5 * MiB)
    const replacement = randomBytes(6 * MiB)
    // The file declared is the one with the replacement: a running digest kept from the first copy would not match.
    const file = Buffer.concat([replacement, second])
    const { id, url } = await session(file)
    expect((await put(a.app, id, 1, first)).statusCode).toBe(200)
    expect((await put(b.app, id, 2, second)).statusCode).toBe(200)
    if (blobs === 's3') {
      expect(await a.store.pool.uploads.runningDigest(id)).toMatchObject({ hashedParts: 2, partsArriving: 0 })
    }
    expect((await put(b.app, id, 1, replacement)).statusCode).toBe(200)
    // The first copy left the digest; the replacement took its place, and part 2 will be read back.
    if (blobs === 's3') expect((await a.store.pool.uploads.runningDigest(id))?.hashedParts).toBe(1)
    const done = await a.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode, done.payload).toBe(201)
    expect(done.json()).toMatchObject({ size: file.length, sha256: sha(file) })
    const down = await b.app.inject({ method: 'GET', url: `${url}/artifacts/weights.bin` })
    expect(down.rawPayload.equals(file)).toBe(true)
  })

  it('refuses a file whose parts, hashed as they arrived, differ from the digest declared, and stores nothing', async () => {
    const MiB = 1024 * 1024
    const file = randomBytes(11 * MiB)
    const { id, url } = await session(file)
    const lie = Buffer.from(file)
    lie[0] = (lie[0] as number) ^ 1
    expect((await put(a.app, id, 1, lie.subarray(0, 6 * MiB))).statusCode).toBe(200)
    expect((await put(b.app, id, 2, lie.subarray(6 * MiB))).statusCode).toBe(200)
    const done = await b.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/complete` })
    expect(done.statusCode).toBe(400)
    expect(done.json().error.code).toBe('CHECKSUM_MISMATCH')
    expect((await a.app.inject({ method: 'GET', url: `${url}/artifacts/weights.bin` })).statusCode).toBe(404)
  })
})
