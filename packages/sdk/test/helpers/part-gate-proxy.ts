// A real HTTP proxy in front of a registry that holds upload-part requests until a given number of them are in
// flight at once, then lets everything through: a client that never sends that many parts together waits forever
// (the test times out), and the most ever in flight is recorded, so tests see parallel parts without timing.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export async function startPartGateProxy(target: string, gateAt: number) {
  const upstream = new URL(target)
  let inFlight = 0
  let mostInFlight = 0
  let open = false
  const held: (() => void)[] = []
  const server = http.createServer((req, res) => {
    const forward = () => {
      const out = http.request(
        { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      out.on('error', () => res.destroy())
      req.pipe(out)
    }
    if (!(req.method === 'PUT' && req.url?.includes('/parts/'))) return forward()
    inFlight++
    mostInFlight = Math.max(mostInFlight, inFlight)
    res.on('close', () => {
      inFlight--
    })
    if (open) return forward()
    held.push(forward)
    if (inFlight >= gateAt) {
      open = true
      for (const release of held.splice(0)) release()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mostInFlight: () => mostInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
