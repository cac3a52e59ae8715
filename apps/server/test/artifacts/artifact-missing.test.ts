// Bytes deleted from the blob store behind the registry's back: a download answers 409 ARTIFACT_MISSING (coded,
// no 5xx), naming the file and its digest, and the blob-store failure is counted for /metrics.
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp } from '../helpers/registry.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe.each([
  ['sqlite', 'fs'],
  ['postgres', 'fs'],
  ['sqlite', 's3'],
] as const)('an artifact whose bytes are gone, on %s with %s blobs', (dialect, blobs) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp(dialect, { blobs })
  })
  afterAll(async () => {
    await t.close()
  })

  it('answers 409 ARTIFACT_MISSING with the path and digest, and counts a blob-store failure', async () => {
    const name = uniqueName('missing')
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { name, framework: 'onnx', version: '1.0.0' },
    })
    const url = `/api/v1/models/default/${name}/versions/1.0.0/artifacts/weights.bin`
    const bytes = randomBytes(4096)
    const put = await t.app.inject({
      method: 'PUT',
      url,
      payload: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    })
    expect(put.statusCode).toBe(201)
    await t.blobs.delete(sha(bytes))
    const res = await t.app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(409)
    expect(res.json().error).toMatchObject({
      code: 'ARTIFACT_MISSING',
      details: { path: 'weights.bin', sha256: sha(bytes) },
    })
    expect(t.blobErrors.get('get')).toBe(1)
  })
})
