import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import yauzl from 'yauzl'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp } from '../helpers/registry.js'

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err)
      const files = new Map<string, Buffer>()
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, s) => {
          if (e || !s) return reject(e)
          readAll(s).then((b) => {
            files.set(entry.fileName, b)
            zip.readEntry()
          }, reject)
        })
      })
      zip.on('end', () => resolve(files))
      zip.on('error', reject)
      zip.readEntry()
    })
  })
}

async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>()
  const extract = tar.extract()
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      readAll(stream as unknown as Readable).then((b) => {
        files.set(header.name, b)
        next()
      }, reject)
    })
    extract.on('finish', resolve)
    extract.on('error', reject)
  })
  Readable.from([bytes]).pipe(extract)
  await done
  return files
}

describe.each([
  ['sqlite', 'fs'],
  ['postgres', 'fs'],
  ['sqlite', 's3'],
] as const)('version archives on %s with %s blobs', (dialect, blobs) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const files = new Map<string, Buffer>([
    ['model.safetensors', randomBytes(400_000)],
    ['config.json', Buffer.from('{"hidden_size": 768}')],
    ['tokenizer/vocab.json', Buffer.from('{"a": 1}')],
    ['empty.txt', Buffer.alloc(0)],
    [`deep/${'long-folder-name/'.repeat(8)}weights.bin`, randomBytes(1000)],
  ])
  let url: string
  beforeAll(async () => {
    t = await openTestApp(dialect, { blobs })
    const name = uniqueName('archive')
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'pytorch' } })
    url = `/api/v1/models/default/${name}/versions/1.0.0`
    for (const [path, bytes] of files) {
      const res = await t.app.inject({
        method: 'PUT',
        url: `${url}/artifacts/${path}`,
        payload: bytes,
        headers: { 'content-type': 'application/octet-stream' },
      })
      expect(res.statusCode).toBe(201)
    }
  })
  afterAll(async () => {
    await t.close()
  })

  it('streams a zip that reads back byte for byte, with its exact Content-Length', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${url}/archive?format=zip` })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe('application/zip')
    expect(res.headers['content-disposition']).toMatch(/\.zip$/)
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length)
    const got = await unzip(res.rawPayload)
    expect([...got.keys()].sort()).toEqual([...files.keys()].sort())
    for (const [path, bytes] of files) expect(got.get(path)?.equals(bytes), path).toBe(true)
  })

  it('streams a tar that reads back byte for byte', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${url}/archive?format=tar` })
    expect(res.statusCode).toBe(200)
    const got = await untar(res.rawPayload)
    for (const [path, bytes] of files) expect(got.get(path)?.equals(bytes), path).toBe(true)
  })

  it('refuses archive-unsafe names at upload, and still archives a name stored before that rule', async () => {
    const refused = await t.app.inject({
      method: 'PUT',
      url: `${url}/artifacts/C:/evil.txt`,
      payload: Buffer.from('x'),
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'path' } })
    // A version whose artifact was stored as "C:/x" before the rule (the attack broke its zip for everyone).
    const name = uniqueName('legacy')
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'pytorch' } })
    const legacy = `/api/v1/models/default/${name}/versions/1.0.0`
    const put = await t.app.inject({ method: 'PUT', url: `${legacy}/artifacts/x`, payload: Buffer.from('legacy') })
    expect(put.statusCode).toBe(201)
    await t.db.kysely.updateTable('artifacts').set({ path: 'C:/x' }).where('path', '=', 'x').execute()
    const zip = await t.app.inject({ method: 'GET', url: `${legacy}/archive?format=zip` })
    expect(zip.statusCode, zip.payload).toBe(200)
    expect([...(await unzip(zip.rawPayload)).entries()]).toEqual([['C_/x', Buffer.from('legacy')]])
    const tarred = await t.app.inject({ method: 'GET', url: `${legacy}/archive?format=tar` })
    expect(tarred.statusCode).toBe(200)
    expect([...(await untar(tarred.rawPayload)).keys()]).toEqual(['C_/x'])
  })

  it('refuses an unknown format', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${url}/archive?format=rar` })
    expect(res.statusCode).toBe(400)
  })
})
