// Slow and idle clients against a real listening server: the header timeout, the idle timeout and the
// connection cap are socket behaviour that app.inject() never exercises.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { ADMIN_PASSWORD, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

/** Connects, writes `send`, and resolves with everything the server said once it closes the connection. */
function exchange(port: number, send: string): Promise<{ reply: string; ms: number; error?: string }> {
  return new Promise((resolve) => {
    const started = Date.now()
    const socket = net.connect(port, '127.0.0.1', () => socket.write(send))
    let reply = ''
    let error: string | undefined
    socket.setEncoding('utf8')
    socket.on('data', (d) => {
      reply += d
    })
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code
    })
    socket.on('close', () => resolve({ reply, ms: Date.now() - started, error }))
  })
}

function connected(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket))
    socket.on('error', reject)
  })
}

describe('HTTP timeouts and connection cap on a listening server', () => {
  let registry: TestRegistry
  let app: Awaited<ReturnType<typeof buildApp>>
  let port: number
  beforeAll(async () => {
    registry = await openTestRegistry('sqlite')
    app = await buildApp({
      db: registry.db,
      services: registry.services,
      http: { headersTimeoutMs: 400, idleTimeoutMs: 600, keepAliveTimeoutMs: 5000, maxConnections: 3 },
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    port = (app.server.address() as net.AddressInfo).port
  })
  afterAll(async () => {
    await app.close()
    await registry.close()
  })

  it('cuts a client that never finishes its request head after the headers timeout, with 408', async () => {
    const half = await exchange(port, 'POST /api/v1/auth/login HTTP/1.1\r\nHost: registry\r\nX-Slow: ')
    expect(half.reply).toMatch(/^HTTP\/1\.1 408 /)
    expect(half.ms).toBeGreaterThanOrEqual(350)
    expect(half.ms).toBeLessThan(5000)
    const silent = await exchange(port, '')
    expect(silent.ms).toBeLessThan(5000)
  })

  it('cuts a request whose body stops arriving after the idle timeout', async () => {
    const res = await exchange(
      port,
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: registry\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"user',
    )
    expect(res.ms).toBeGreaterThanOrEqual(550)
    expect(res.ms).toBeLessThan(5000)
    expect(res.reply).not.toMatch(/^HTTP\/1\.1 2/)
  })

  it('lets the server work on a long completion past the idle timeout: the client is waiting, not idle', async () => {
    const base = `http://127.0.0.1:${port}`
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
    const headers = {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken,
      'content-type': 'application/json',
    }
    const post = (url: string, body: unknown) =>
      fetch(`${base}${url}`, { method: 'POST', headers, body: JSON.stringify(body) })
    expect((await post('/api/v1/models', { name: 'slow-complete', framework: 'onnx' })).status).toBe(201)
    const session = (await (
      await post('/api/v1/models/default/slow-complete/versions/1.0.0/uploads', { path: 'w.bin' })
    ).json()) as { id: string }
    const part = await fetch(`${base}/api/v1/uploads/${session.id}/parts/1`, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream' },
      body: Buffer.from('weights'),
    })
    expect(part.status).toBe(200)
    // Joining many GB of parts takes minutes with no byte on the wire: here, twice the idle timeout.
    const uploads = registry.services.uploads
    const complete = uploads.complete.bind(uploads)
    uploads.complete = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 1200))
      return complete(...args)
    }
    try {
      const done = await post(`/api/v1/uploads/${session.id}/complete`, {})
      expect(done.status).toBe(201)
    } finally {
      uploads.complete = complete
    }
  })

  it('lets the server work on a whole upload past the idle timeout once its body has arrived', async () => {
    const base = `http://127.0.0.1:${port}`
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const csrf = ((await login.json()) as { csrfToken: string }).csrfToken
    const headers = { cookie, 'x-csrf-token': csrf }
    const model = await fetch(`${base}/api/v1/models`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'slow-commit', framework: 'onnx' }),
    })
    expect(model.status).toBe(201)
    // Committing many GB (an S3 copy) takes minutes with no byte on the wire: here, twice the idle timeout.
    const blobs = registry.blobs
    const stage = blobs.stage.bind(blobs)
    blobs.stage = async (...args) => {
      const staged = await stage(...args)
      return {
        ...staged,
        commit: async () => {
          await new Promise((resolve) => setTimeout(resolve, 1200))
          await staged.commit()
        },
      }
    }
    try {
      const put = await fetch(`${base}/api/v1/models/default/slow-commit/versions/1.0.0/artifacts/w.bin`, {
        method: 'PUT',
        headers: { ...headers, 'content-type': 'application/octet-stream' },
        body: Buffer.from('weights'),
      })
      expect(put.status).toBe(201)
    } finally {
      blobs.stage = stage
    }
  })

  it('refuses connections past the cap, and takes new ones once others close', async () => {
    const held = await Promise.all([connected(port), connected(port), connected(port)])
    const refused = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: registry\r\n\r\n')
    expect(refused.reply).toBe('')
    for (const s of held) s.destroy()
    await new Promise<void>((resolve) => {
      const check = () => app.server.getConnections((_e, n) => (n === 0 ? resolve() : setImmediate(check)))
      check()
    })
    const ok = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: registry\r\nConnection: close\r\n\r\n')
    expect(ok.reply).toMatch(/^HTTP\/1\.1 200 /)
  })
})
