// The upload route hands the blob store a signal that fires when the client disconnects mid-body: the store stops
// at once and keeps no temporary file or object, and no artifact row is written. A real listening server and a
// real socket; every wait is on an event (the upload starting, the signal firing, the upload settling).
import { randomBytes, randomUUID } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { UploadOptions } from '../../src/services/artifact.service.js'
import { digest } from '../../src/services/auth.service.js'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp, unitLane } from '../helpers/registry.js'

const cases: (readonly ['sqlite' | 'postgres', 'fs' | 's3' | 'memory'])[] = unitLane
  ? [['sqlite', 'memory']]
  : [
      ['sqlite', 'fs'],
      ['postgres', 'fs'],
      ['sqlite', 's3'],
    ]

describe.each(cases)('an upload aborted by its client on %s with %s blobs', (dialect, blobs) => {
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

  it('fires the upload signal, leaves no temporary object and no artifact row', async () => {
    const name = uniqueName('abortsig')
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    // The request goes over a real socket, so it carries a token of its own (inserted as the helper does).
    const token = `mrt_tests_${randomBytes(24).toString('base64url')}`
    await t.store.pool.credentials.insertToken({
      id: randomUUID(),
      userId: t.admin.userId,
      name: uniqueName('abort'),
      scope: 'admin',
      tokenHash: digest(token),
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
    })
    const upload = t.services.artifacts.upload.bind(t.services.artifacts)
    let started!: (call: { signal: AbortSignal; settled: Promise<unknown> }) => void
    const call = new Promise<{ signal: AbortSignal; settled: Promise<unknown> }>((resolve) => {
      started = resolve
    })
    const spy = vi.spyOn(t.services.artifacts, 'upload').mockImplementation((actor, ref, body, opts: UploadOptions) => {
      const result = upload(actor, ref, body, opts)
      started({ signal: opts.signal as AbortSignal, settled: result.then(undefined, (err: unknown) => err) })
      return result
    })
    try {
      const req = http.request(`${base}/api/v1/models/default/${name}/versions/1.0.0/artifacts/weights.bin`, {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/octet-stream',
          'content-length': String(64 * 1024 * 1024),
        },
      })
      req.on('error', () => undefined)
      req.write(Buffer.alloc(1024 * 1024, 7))
      const { signal, settled } = await call
      expect(signal).toBeInstanceOf(AbortSignal)
      expect(signal.aborted).toBe(false)
      const aborted = new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
      req.destroy()
      await aborted
      expect(signal.reason).toMatchObject({ code: 'ECONNABORTED' })
      expect(await settled).toBeInstanceOf(Error)
    } finally {
      spy.mockRestore()
    }
    expect(await t.leftovers()).toEqual([])
    const list = await t.app.inject({ method: 'GET', url: `/api/v1/models/default/${name}/versions/1.0.0/artifacts` })
    expect(list.json().items).toEqual([])
  })
})
