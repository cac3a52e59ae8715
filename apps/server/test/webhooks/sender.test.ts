// The webhook sender's kept-alive connections (ADR 0023): deliveries to one receiver reuse a connection opened
// through the address guard, a reused connection the receiver dropped is retried once on a new one, and the guard
// still refuses a name resolving to loopback. A real HTTP server on loopback; no database.
import http from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { type KeepAliveAgents, keepAliveAgents, sendWebhook } from '../../src/services/webhook-sender.js'

interface Server {
  url: string
  requests: { socket: Socket; nth: number }[]
  connections: number
  /** Drop the connection instead of answering the nth request on it (1-based), when set. */
  dropNth?: number
  close(): Promise<void>
}

async function server(): Promise<Server> {
  const perSocket = new WeakMap<Socket, number>()
  const s: Server = { url: '', requests: [], connections: 0, close: async () => {} }
  const srv = http.createServer((req, res) => {
    const nth = (perSocket.get(req.socket) ?? 0) + 1
    perSocket.set(req.socket, nth)
    s.requests.push({ socket: req.socket, nth })
    req.resume()
    req.on('end', () => {
      if (s.dropNth === nth) {
        req.socket.destroy()
        return
      }
      res.end('ok')
    })
  })
  srv.on('connection', () => {
    s.connections++
  })
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve))
  s.url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/hook`
  s.close = () =>
    new Promise<void>((resolve) => {
      srv.closeAllConnections()
      srv.close(() => resolve())
    })
  return s
}

/** Resolves once the pool holds an idle connection (the previous answer was read to its end). */
async function idleConnection(agents: KeepAliveAgents): Promise<void> {
  while (Object.values(agents.http.freeSockets).every((list) => (list?.length ?? 0) === 0)) {
    await new Promise(setImmediate)
  }
}

const opts = (agents: KeepAliveAgents, allowPrivate = true) => ({
  allowPrivate,
  timeoutMs: 10_000,
  maxResponseBytes: 64 * 1024,
  agents,
})

describe('webhook sender with kept-alive connections', () => {
  const cleanup: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c()
  })

  async function setUp() {
    const s = await server()
    const agents = keepAliveAgents()
    cleanup.push(
      () => agents.destroy(),
      () => s.close(),
    )
    return { s, agents }
  }

  it('sends the next delivery to a receiver over the connection the last one used', async () => {
    const { s, agents } = await setUp()
    expect((await sendWebhook(s.url, {}, '{"n":1}', opts(agents))).status).toBe(200)
    await idleConnection(agents)
    expect((await sendWebhook(s.url, {}, '{"n":2}', opts(agents))).status).toBe(200)
    expect(s.connections).toBe(1)
    expect(s.requests.map((r) => r.nth)).toEqual([1, 2])
  })

  it('retries once on a new connection when a reused one was dropped by the receiver', async () => {
    const { s, agents } = await setUp()
    s.dropNth = 2
    expect((await sendWebhook(s.url, {}, '{"n":1}', opts(agents))).status).toBe(200)
    await idleConnection(agents)
    const r = await sendWebhook(s.url, {}, '{"n":2}', opts(agents))
    expect(r).toMatchObject({ status: 200, error: null, excerpt: 'ok' })
    // The first connection took request 1 and dropped request 2; the retry came on a second connection.
    expect(s.connections).toBe(2)
    expect(s.requests.map((x) => x.nth)).toEqual([1, 2, 1])
  })

  it('a dropped new connection is a failed attempt, not retried', async () => {
    const { s, agents } = await setUp()
    s.dropNth = 1
    const r = await sendWebhook(s.url, {}, '{}', opts(agents))
    expect(r.status).toBeNull()
    expect(r.error).toBeTruthy()
    expect(s.requests).toHaveLength(1)
  })

  it('still refuses a name that resolves to loopback when private addresses are not allowed', async () => {
    const { s, agents } = await setUp()
    const port = new URL(s.url).port
    const r = await sendWebhook(`http://localhost:${port}/hook`, {}, '{}', opts(agents, false))
    expect(r.status).toBeNull()
    expect(r.error).toMatch(/^refused: localhost resolves to .*loopback/)
    expect(s.connections).toBe(0)
  })
})
