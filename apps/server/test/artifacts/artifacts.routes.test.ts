import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dialect } from '../../src/db/database.js'
import { uniqueName } from '../helpers/factories.js'
import { type BlobBackend, openTestApp } from '../helpers/registry.js'

/** Both databases on the local store, and the S3 store (a real Ceph RGW) once. */
const setups: [Dialect, BlobBackend][] = [
  ['sqlite', 'fs'],
  ['postgres', 'fs'],
  ['sqlite', 's3'],
]

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe.each(setups)('artifact routes on %s with %s blobs', (dialect, blobs) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp(dialect, { maxArtifactBytes: 1 << 20, blobs })
  })
  afterAll(async () => {
    await t.close()
  })

  const stored = async (digest: string) => (await t.blobs.stat(digest)) !== undefined

  async function newModel(version = '1.0.0') {
    const name = uniqueName('files')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { name, framework: 'pytorch', version },
    })
    expect(res.statusCode).toBe(201)
    return `/api/v1/models/default/${name}/versions`
  }
  const put = (url: string, body: Buffer, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'PUT',
      url,
      payload: body,
      headers: { 'content-type': 'application/octet-stream', ...headers },
    })

  it('uploads and downloads a file byte for byte with its digest, size, type and name', async () => {
    const v = await newModel()
    const bytes = randomBytes(300_000)
    const up = await put(`${v}/1.0.0/artifacts/weights/model.safetensors`, bytes, { 'x-checksum-sha256': sha(bytes) })
    expect(up.statusCode).toBe(201)
    expect(up.json()).toMatchObject({ path: 'weights/model.safetensors', size: bytes.length, sha256: sha(bytes) })
    const down = await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts/weights/model.safetensors` })
    expect(down.statusCode).toBe(200)
    expect(down.rawPayload.equals(bytes)).toBe(true)
    expect(down.headers).toMatchObject({
      etag: `"${sha(bytes)}"`,
      'content-length': String(bytes.length),
      'accept-ranges': 'bytes',
      'content-disposition': 'attachment; filename=model.safetensors',
    })
    const list = await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts` })
    expect(list.json()).toMatchObject({
      items: [{ path: 'weights/model.safetensors', downloadCount: 1 }],
      totalSize: bytes.length,
    })
  })

  it('accepts an encoded path and a Digest header, and guesses the media type', async () => {
    const v = await newModel()
    const bytes = Buffer.from('{"vocab": {}}')
    const digest = `sha-256=${createHash('sha256').update(bytes).digest('base64')}`
    const up = await put(`${v}/1.0.0/artifacts/tokenizer%2Fvocab.json`, bytes, { digest })
    expect(up.statusCode).toBe(201)
    expect(up.json()).toMatchObject({ path: 'tokenizer/vocab.json', mediaType: 'application/json' })
  })

  it('refuses a checksum mismatch and keeps nothing', async () => {
    const v = await newModel()
    const bytes = randomBytes(10_000)
    const res = await put(`${v}/1.0.0/artifacts/a.bin`, bytes, { 'x-checksum-sha256': sha(Buffer.from('other')) })
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toMatchObject({ code: 'CHECKSUM_MISMATCH', details: { actual: sha(bytes) } })
    expect(await stored(sha(bytes))).toBe(false)
    expect(await t.leftovers()).toEqual([])
    expect((await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts` })).json().items).toEqual([])
  })

  it('enforces the size limit while streaming', async () => {
    const v = await newModel()
    const res = await put(`${v}/1.0.0/artifacts/big.bin`, randomBytes((1 << 20) + 1))
    expect(res.statusCode).toBe(413)
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE')
    expect(await t.leftovers()).toEqual([])
  })

  it.each([
    ['a leading slash', '%2Fetc%2Fpasswd'],
    ['dot-dot', 'a/..%2F..%2Fx'],
    ['a backslash', 'a%5Cb'],
    ['NUL', 'a%00b'],
    ['an empty segment', 'a//b'],
    ['a trailing slash', 'dir/'],
  ])('refuses a path with %s and writes nothing', async (_why, p) => {
    const v = await newModel()
    const res = await put(`${v}/1.0.0/artifacts/${p}`, Buffer.from('x'))
    expect(res.statusCode).toBe(400)
    expect(res.json().error.code).toBe('VALIDATION_FAILED')
    expect((await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts` })).json().items).toEqual([])
  })

  it.each([
    ['page.html', 'text/html', '<script>fetch("/api/v1/tokens")</script>'],
    ['logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'],
    ['app.js', 'text/javascript', 'alert(document.cookie)'],
    ['notes.txt', 'text/html; charset=utf-8', '<script>alert(1)</script>'],
  ])('serves %s (uploaded as %s) as an inert attachment, whole, ranged and HEAD', async (file, type, body) => {
    const url = `${await newModel()}/1.0.0/artifacts/${file}`
    expect((await put(url, Buffer.from(body), { 'content-type': type })).statusCode).toBe(201)
    for (const res of [
      await t.app.inject({ method: 'GET', url }),
      await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-3' } }),
      await t.app.inject({ method: 'HEAD', url }),
    ]) {
      expect(res.statusCode).toBeLessThan(300)
      expect(res.headers['content-type']).toBe('application/octet-stream')
      expect(res.headers['content-disposition']).toBe(`attachment; filename=${file}`)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    }
    const multi = await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-0,2-2' } })
    expect(multi.payload).toContain('content-type: application/octet-stream\r\n')
    expect(multi.payload).not.toContain(type)
  })

  it('keeps inert types it knows (JSON, plain text) and the archive is sandboxed too', async () => {
    const v = await newModel()
    expect((await put(`${v}/1.0.0/artifacts/config.json`, Buffer.from('{}'))).statusCode).toBe(201)
    const json = await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts/config.json` })
    expect(json.headers['content-type']).toBe('application/json')
    expect(json.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    const zip = await t.app.inject({ method: 'GET', url: `${v}/1.0.0/archive` })
    expect(zip.headers['content-disposition']).toMatch(/^attachment; /)
    expect(zip.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
  })

  describe('ranges and conditional requests', () => {
    const bytes = Buffer.from('0123456789abcdefghij')
    let url: string
    beforeAll(async () => {
      url = `${await newModel()}/1.0.0/artifacts/r.txt`
      expect((await put(url, bytes)).statusCode).toBe(201)
    })
    const get = (headers: Record<string, string>, method: 'GET' | 'HEAD' = 'GET') =>
      t.app.inject({ method, url, headers })

    it('serves the first byte, the last byte and a suffix', async () => {
      const first = await get({ range: 'bytes=0-0' })
      expect([first.statusCode, first.payload, first.headers['content-range']]).toEqual([206, '0', 'bytes 0-0/20'])
      const last = await get({ range: 'bytes=19-19' })
      expect([last.statusCode, last.payload, last.headers['content-range']]).toEqual([206, 'j', 'bytes 19-19/20'])
      const suffix = await get({ range: 'bytes=-5' })
      expect([suffix.statusCode, suffix.payload, suffix.headers['content-length']]).toEqual([206, 'fghij', '5'])
    })

    it('serves several ranges as multipart/byteranges', async () => {
      const res = await get({ range: 'bytes=0-1,10-11' })
      expect(res.statusCode).toBe(206)
      expect(res.headers['content-type']).toMatch(/^multipart\/byteranges; boundary=/)
      expect(res.payload).toContain('content-range: bytes 0-1/20\r\n\r\n01\r\n')
      expect(res.payload).toContain('content-range: bytes 10-11/20\r\n\r\nab\r\n')
      expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length)
    })

    it('answers 416 with the size when the range is unsatisfiable', async () => {
      const res = await get({ range: 'bytes=20-30' })
      expect(res.statusCode).toBe(416)
      expect(res.headers['content-range']).toBe('bytes */20')
      expect(res.json().error.code).toBe('RANGE_NOT_SATISFIABLE')
    })

    it('ignores a malformed range and a stale If-Range', async () => {
      expect((await get({ range: 'bytes=x-y' })).statusCode).toBe(200)
      expect((await get({ range: 'bytes=0-0', 'if-range': '"stale"' })).statusCode).toBe(200)
    })

    it('answers 304 to a matching If-None-Match and HEAD without a body', async () => {
      const etag = `"${sha(bytes)}"`
      const notModified = await get({ 'if-none-match': `"other", ${etag}` })
      expect(notModified.statusCode).toBe(304)
      expect(notModified.payload).toBe('')
      const head = await get({}, 'HEAD')
      expect([head.statusCode, head.headers['content-length'], head.payload]).toEqual([200, '20', ''])
    })
  })

  it('stores shared bytes once and frees them when the last reference goes', async () => {
    const v = await newModel()
    const shared = randomBytes(5000)
    await put(`${v}/1.0.0/artifacts/tokenizer.json`, shared)
    await t.app.inject({ method: 'POST', url: v, payload: { version: '1.1.0' } })
    await put(`${v}/1.1.0/artifacts/tokenizer.json`, shared)
    expect(await stored(sha(shared))).toBe(true)
    expect((await t.app.inject({ method: 'DELETE', url: `${v}/1.0.0/artifacts/tokenizer.json` })).statusCode).toBe(204)
    expect(await stored(sha(shared))).toBe(true)
    expect((await t.app.inject({ method: 'DELETE', url: `${v}/1.1.0` })).statusCode).toBe(204)
    expect(await stored(sha(shared))).toBe(false)
  })

  it('replacing a file frees the old bytes', async () => {
    const v = await newModel()
    const a = randomBytes(100)
    const b = randomBytes(100)
    await put(`${v}/1.0.0/artifacts/x.bin`, a)
    await put(`${v}/1.0.0/artifacts/x.bin`, b)
    expect(await stored(sha(a))).toBe(false)
    expect((await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts/x.bin` })).rawPayload.equals(b)).toBe(true)
  })

  it('keeps the bytes when an upload of the same content races the delete of its last reference', async () => {
    const v = await newModel()
    const bytes = randomBytes(200_000)
    for (let round = 0; round < 5; round++) {
      await put(`${v}/1.0.0/artifacts/a.bin`, bytes)
      const [del, up] = await Promise.all([
        t.app.inject({ method: 'DELETE', url: `${v}/1.0.0/artifacts/a.bin` }),
        put(`${v}/1.0.0/artifacts/b-${round}.bin`, bytes),
      ])
      expect([del.statusCode, up.statusCode]).toEqual([204, 201])
      const down = await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts/b-${round}.bin` })
      expect(sha(down.rawPayload)).toBe(sha(bytes))
    }
  })

  it('takes concurrent uploads of the same content', async () => {
    const v = await newModel()
    const bytes = randomBytes(50_000)
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => put(`${v}/1.0.0/artifacts/copy-${i}.bin`, bytes)),
    )
    expect(results.map((r) => r.statusCode)).toEqual([201, 201, 201, 201, 201, 201])
    expect(await stored(sha(bytes))).toBe(true)
    expect(await t.leftovers()).toEqual([])
  })

  it('freezes the files once the version is completed', async () => {
    const v = await newModel()
    await put(`${v}/1.0.0/artifacts/a.bin`, Buffer.from('a'))
    await t.app.inject({ method: 'PATCH', url: `${v}/1.0.0`, payload: { status: 'completed' } })
    const res = await put(`${v}/1.0.0/artifacts/b.bin`, Buffer.from('b'))
    expect(res.statusCode).toBe(409)
    expect(res.json().error.code).toBe('VERSION_FROZEN')
    expect((await t.app.inject({ method: 'DELETE', url: `${v}/1.0.0/artifacts/a.bin` })).statusCode).toBe(409)
  })

  it('answers 404 for an unknown file or version', async () => {
    const v = await newModel()
    expect((await t.app.inject({ method: 'GET', url: `${v}/1.0.0/artifacts/none.bin` })).statusCode).toBe(404)
    expect((await put(`${v}/9.9.9/artifacts/a.bin`, Buffer.from('a'))).statusCode).toBe(404)
  })
})
