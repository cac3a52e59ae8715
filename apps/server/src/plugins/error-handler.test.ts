// The error handler tells a client that went away from a failure of the server's own: only a body cut off by its
// client is a client abort (400, logged at info); anything failing once the body is in answers 500 with no detail,
// logged at error level.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import Fastify, { type FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerErrorHandler } from './error-handler.js'

interface LogLine {
  level: number
  msg: string
  reqId?: string
}
const INFO = 30
const ERROR = 50

/** An error as Node's fs or net raise them: a code and a message naming a server path. */
function systemError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code })
}

describe('the error handler on bodies that were read', () => {
  let app: FastifyInstance
  let base: string
  const logs: LogLine[] = []
  let bodyRead: () => void = () => {}
  let onLog: (line: LogLine) => void = () => {}
  /** Resolves when a log line matching `match` is written from now on. */
  const logged = (match: (l: LogLine) => boolean) =>
    new Promise<void>((resolve) => {
      onLog = (l) => {
        if (match(l)) resolve()
      }
    })

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) {
          const parsed = JSON.parse(line) as LogLine
          logs.push(parsed)
          onLog(parsed)
        }
        done()
      },
    })
    app = Fastify({ logger: { level: 'info', stream } })
    registerErrorHandler(app)
    app.removeAllContentTypeParsers()
    app.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
    // Reads the whole body as a stream (as an upload does), then fails as the route's storage would.
    app.put<{ Params: { code: string } }>('/consume/:code', async (req) => {
      for await (const _ of req.body as AsyncIterable<Buffer>) {
        // drained
      }
      throw systemError(req.params.code, `${req.params.code}: /var/lib/modelreg/blobs/uploads/s1/00003`)
    })
    // Reads the body and signals each chunk, so the test can cut the connection mid-body.
    app.put('/slow', async (req) => {
      for await (const _ of req.body as AsyncIterable<Buffer>) bodyRead()
      return { ok: true }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await app.close()
  })

  const logsOf = (reqId: string) => logs.filter((l) => l.reqId === reqId && l.msg !== 'incoming request')

  it.each(['ENOENT', 'ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE'])(
    'answers 500 without internals and logs at error level when the route fails with %s after the body is in',
    async (code) => {
      // Only this request's lines: another test's abort may have been logged before (tests run in any order).
      const before = logs.length
      const res = await fetch(`${base}/consume/${code}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream' },
        body: Buffer.alloc(256 * 1024, 1),
      })
      expect(res.status).toBe(500)
      const body = (await res.json()) as { error: { code: string; message: string } }
      expect(body.error.code).toBe('INTERNAL')
      expect(body.error.message).not.toMatch(/var\/lib|ENOENT|ECONNRESET|PREMATURE/)
      const mine = logs.slice(before)
      const failed = mine.filter((l) => l.msg === 'request failed')
      expect(failed).toHaveLength(1)
      expect(failed[0]?.level).toBe(ERROR)
      expect(mine.some((l) => l.msg === 'client closed the request')).toBe(false)
    },
  )

  it('takes a body cut off by its client for a client abort: logged at info, never at error level', async () => {
    const before = logs.length
    const seen = logged((l) => l.msg === 'client closed the request' || l.msg === 'request failed')
    await new Promise<void>((resolve) => {
      const req = http.request(`${base}/slow`, {
        method: 'PUT',
        headers: { 'content-type': 'application/octet-stream', 'content-length': String(8 * 1024 * 1024) },
      })
      req.on('error', () => {})
      // Cut the connection once the route has read some of the body.
      bodyRead = () => {
        bodyRead = () => {}
        req.destroy()
      }
      req.write(Buffer.alloc(1024 * 1024, 2))
      req.on('close', () => resolve())
    })
    // The handler's error is logged once the server sees the connection closed.
    await seen
    const mine = logs.slice(before)
    const reqId = mine.find((l) => l.msg === 'client closed the request')?.reqId
    expect(reqId).toBeDefined()
    expect(logsOf(reqId ?? '').every((l) => l.level <= INFO)).toBe(true)
  })
})
