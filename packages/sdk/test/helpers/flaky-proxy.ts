// A real HTTP proxy in front of a registry that fails chosen requests: answers 503, or cuts the connection
// after some bytes of the answer. It lets tests see retries and resumes over real sockets.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export type Fault = 'pass' | '503' | { cutAfterBytes: number }

export interface SeenRequest {
  method: string
  url: string
  range?: string
  fault: Fault
}

export async function startFlakyProxy(
  target: string,
  decide: (req: http.IncomingMessage, seen: SeenRequest[]) => Fault,
) {
  const seen: SeenRequest[] = []
  const upstream = new URL(target)
  const server = http.createServer((req, res) => {
    const fault = decide(req, seen)
    seen.push({ method: req.method ?? '', url: req.url ?? '', range: req.headers.range, fault })
    if (fault === '503') {
      req.resume()
      res.writeHead(503, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { code: 'UNAVAILABLE', message: 'injected by the test proxy', details: {} } }))
      return
    }
    const forward = http.request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        if (fault === 'pass') return void answer.pipe(res)
        let sent = 0
        res.flushHeaders()
        answer.on('data', (chunk: Buffer) => {
          const room = fault.cutAfterBytes - sent
          if (room > 0) res.write(chunk.subarray(0, room))
          sent += Math.min(Math.max(room, 0), chunk.length)
          if (sent >= fault.cutAfterBytes) {
            answer.destroy()
            res.destroy()
          }
        })
        answer.on('end', () => res.end())
      },
    )
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
