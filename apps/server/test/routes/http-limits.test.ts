// Slow and idle clients against a real listening server: the header timeout, the idle timeout and the
// connection cap are socket behaviour that app.inject() never exercises.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { openTestRegistry, type TestRegistry } from '../helpers/registry.js'

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
