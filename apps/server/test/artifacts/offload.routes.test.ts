import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp } from '../helpers/registry.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function withFile(t: Awaited<ReturnType<typeof openTestApp>>, bytes: Buffer) {
  const name = uniqueName('offload')
  await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
  const url = `/api/v1/models/default/${name}/versions/1.0.0/artifacts/weights/model.onnx`
  const up = await t.app.inject({
    method: 'PUT',
    url,
    payload: bytes,
    headers: { 'content-type': 'application/octet-stream' },
  })
  expect(up.statusCode).toBe(201)
  return url
}

describe('download offload: presigned redirect on S3', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp('sqlite', {
      blobs: 's3',
      downloads: { mode: 'presigned', presignTtlSeconds: 60, accelPrefix: '/' },
    })
  })
  afterAll(async () => {
    await t.close()
  })

  it('redirects to a short-lived URL that serves the same bytes, name and type, and counts the download', async () => {
    const bytes = randomBytes(200_000)
    const url = await withFile(t, bytes)
    const res = await t.app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(302)
    const location = String(res.headers.location)
    expect(location).toMatch(/X-Amz-Expires=60/)
    const direct = await fetch(location)
    expect(direct.status).toBe(200)
    expect(direct.headers.get('content-disposition')).toContain('model.onnx')
    expect(sha(Buffer.from(await direct.arrayBuffer()))).toBe(sha(bytes))
    const ranged = await fetch(location, { headers: { range: 'bytes=0-9' } })
    expect(ranged.status).toBe(206)
    const list = await t.app.inject({ method: 'GET', url: url.replace(/\/weights\/model\.onnx$/, '') })
    expect(list.json().items[0].downloadCount).toBe(1)
  })

  it('has the storage serve an active type as an attachment of type application/octet-stream', async () => {
    const name = uniqueName('offload')
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    const url = `/api/v1/models/default/${name}/versions/1.0.0/artifacts/page.html`
    const body = Buffer.from('<script>alert(document.cookie)</script>')
    expect(
      (await t.app.inject({ method: 'PUT', url, payload: body, headers: { 'content-type': 'text/html' } })).statusCode,
    ).toBe(201)
    const res = await t.app.inject({ method: 'GET', url })
    expect(res.statusCode).toBe(302)
    const direct = await fetch(String(res.headers.location))
    expect(direct.headers.get('content-type')).toBe('application/octet-stream')
    expect(direct.headers.get('content-disposition')).toBe('attachment; filename=page.html')
    expect(Buffer.from(await direct.arrayBuffer()).equals(body)).toBe(true)
  })

  it('still answers HEAD and 304 itself', async () => {
    const bytes = randomBytes(100)
    const url = await withFile(t, bytes)
    expect((await t.app.inject({ method: 'HEAD', url })).statusCode).toBe(200)
    expect(
      (await t.app.inject({ method: 'GET', url, headers: { 'if-none-match': `"${sha(bytes)}"` } })).statusCode,
    ).toBe(304)
  })
})

describe('download offload: X-Accel-Redirect for a fronting nginx', () => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => {
    t = await openTestApp('sqlite', {
      downloads: { mode: 'x-accel', presignTtlSeconds: 60, accelPrefix: '/_modelreg_blobs/' },
    })
  })
  afterAll(async () => {
    await t.close()
  })

  it('answers with the internal location of the blob and the file headers, no body', async () => {
    const bytes = randomBytes(1000)
    const url = await withFile(t, bytes)
    const res = await t.app.inject({ method: 'GET', url })
    const d = sha(bytes)
    expect(res.statusCode).toBe(200)
    expect(res.headers['x-accel-redirect']).toBe(`/_modelreg_blobs/${d.slice(0, 2)}/${d.slice(2, 4)}/${d}`)
    expect(res.headers['content-disposition']).toBe('attachment; filename=model.onnx')
    expect(res.headers.etag).toBe(`"${d}"`)
    expect(res.headers['content-type']).toBe('application/onnx')
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['content-security-policy']).toBe("default-src 'none'; sandbox")
    expect(res.payload).toBe('')
  })
})
