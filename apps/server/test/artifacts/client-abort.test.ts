// A real listening server and a raw socket: a client that goes away mid-upload leaves nothing behind.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp } from '../helpers/registry.js'

describe.each([
  ['sqlite', 'fs'],
  ['postgres', 'fs'],
  ['sqlite', 's3'],
] as const)('a client abort on %s with %s blobs', (dialect, blobs) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let base: string
  beforeAll(async () => {
    t = await openTestApp(dialect, { blobs })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await t.close()
  })

  it('keeps no artifact, no blob and no temporary object of a body cut off mid-stream', async () => {
    const name = uniqueName('abort')
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    const path = `/api/v1/models/default/${name}/versions/1.0.0/artifacts/weights.bin`
    await new Promise<void>((resolve) => {
      const req = http.request(`${base}${path}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(64 * 1024 * 1024) },
      })
      req.on('error', () => resolve())
      req.write(Buffer.alloc(4 * 1024 * 1024, 7), () => {
        setTimeout(() => {
          req.destroy()
          resolve()
        }, 100)
      })
    })
    // The server notices the abort asynchronously: wait until its cleanup is done.
    for (let i = 0; i < 100 && (await t.leftovers()).length > 0; i++) await new Promise((r) => setTimeout(r, 50))
    expect(await t.leftovers()).toEqual([])
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/models/default/${name}/versions/1.0.0/artifacts` })
    expect(list.json().items).toEqual([])
  })
})
