// A blob's bytes deleted behind the registry's back (its file removed from the data dir, its object from the
// bucket): every way of reading them answers 409 ARTIFACT_MISSING, never a 500, logged at error level.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FsBlobStore } from '../../src/blobs/fs-blob-store.js'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp, unitLane } from '../helpers/registry.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

const cases: (readonly ['sqlite' | 'postgres', 'fs' | 'memory'])[] = unitLane
  ? [['sqlite', 'memory']]
  : [
      ['sqlite', 'fs'],
      ['postgres', 'fs'],
    ]

describe.each(cases)('bytes missing from the blob store on %s with %s blobs', (dialect, blobs) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const logs: { level: number; msg: string; code?: string }[] = []
  const name = uniqueName('gone')
  const base = `/api/v1/models/default/${name}/versions/1.0.0`
  const bytes = randomBytes(5000)

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line))
        done()
      },
    })
    t = await openTestApp(dialect, { blobs, app: { logger: { level: 'info', stream } } })
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { name, framework: 'onnx', version: '1.0.0' },
    })
    for (const [file, body] of [
      ['weights.bin', bytes],
      ['config.json', Buffer.from('{}')],
    ] as const) {
      const put = await t.app.inject({
        method: 'PUT',
        url: `${base}/artifacts/${file}`,
        payload: body,
        headers: { 'content-type': 'application/octet-stream' },
      })
      expect(put.statusCode).toBe(201)
    }
    // Behind the registry's back: the file itself, not through the store.
    if (blobs === 'fs') fs.rmSync((t.blobs as FsBlobStore).pathOf(sha(bytes)))
    else await t.blobs.delete(sha(bytes))
  })
  afterAll(async () => {
    await t.close()
  })

  const expectMissing = (res: { statusCode: number; json: () => { error: unknown } }) => {
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toMatchObject({
      code: 'ARTIFACT_MISSING',
      details: { path: 'weights.bin', sha256: sha(bytes) },
    })
  }

  it('answers 409 ARTIFACT_MISSING to a download, a ranged download and an archive, logged at error level', async () => {
    const url = `${base}/artifacts/weights.bin`
    expectMissing(await t.app.inject({ method: 'GET', url }))
    expectMissing(await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=100-199' } }))
    expectMissing(await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-9, 100-199' } }))
    expectMissing(await t.app.inject({ method: 'GET', url: `${base}/archive` }))
    expectMissing(await t.app.inject({ method: 'GET', url: `${base}/archive?format=tar` }))
    const errors = logs.filter((l) => l.level >= 50)
    expect(errors).toHaveLength(5)
    expect(errors.every((l) => l.code === 'ARTIFACT_MISSING')).toBe(true)
  })

  it('answers 409 to HEAD (no body), counts no download, and still serves the files that are there', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: `${base}/artifacts/weights.bin` })
    expect(head.statusCode).toBe(409)
    const other = await t.app.inject({ method: 'GET', url: `${base}/artifacts/config.json` })
    expect(other.statusCode).toBe(200)
    expect(other.body).toBe('{}')
    const list = await t.app.inject({ method: 'GET', url: `${base}/artifacts` })
    const count = (p: string) => list.json().items.find((a: { path: string }) => a.path === p).downloadCount
    expect([count('weights.bin'), count('config.json')]).toEqual([0, 1])
  })
})
