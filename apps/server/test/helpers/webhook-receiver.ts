// A real HTTP server that receives webhook deliveries: checks every signature against the secrets it is given,
// answers with whatever the test says (fail the first N attempts, hang), and resolves waits on arrival, so tests
// wait for deliveries, never for time.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { verifySignature } from '../../src/domain/webhook-signature.js'

export interface Received {
  delivery: string
  event: string
  signature: string
  body: string
  // biome-ignore lint/suspicious/noExplicitAny: tests read payloads loosely and assert their shape
  json: any
  /** Whether one of the receiver's secrets signed it (and the timestamp is fresh). */
  verified: boolean
  /** The status this receiver answered. */
  answered: number
}

export interface Receiver {
  url: string
  received: Received[]
  /** Secrets that may sign deliveries (set after the webhook is created). */
  secrets: string[]
  /** The status for each request; default 200. */
  respond: (r: Omit<Received, 'answered'>, nth: number) => number | 'hang'
  /** Resolves once `predicate` holds for what has arrived (checked on every arrival). */
  waitFor(predicate: (received: Received[]) => boolean): Promise<Received[]>
  close(): Promise<void>
}

export async function startReceiver(opts: { nowSeconds?: () => number } = {}): Promise<Receiver> {
  const waits: { predicate: (r: Received[]) => boolean; resolve: (r: Received[]) => void }[] = []
  const hanging = new Set<http.ServerResponse>()
  const receiver: Receiver = {
    url: '',
    received: [],
    secrets: [],
    respond: () => 200,
    waitFor(predicate) {
      if (predicate(receiver.received)) return Promise.resolve(receiver.received)
      return new Promise((resolve) => waits.push({ predicate, resolve }))
    },
    close: async () => {
      for (const res of hanging) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const signature = String(req.headers['x-modelreg-signature'] ?? '')
      const nowSeconds = opts.nowSeconds?.() ?? Date.now() / 1000
      const r = {
        delivery: String(req.headers['x-modelreg-delivery'] ?? ''),
        event: String(req.headers['x-modelreg-event'] ?? ''),
        signature,
        body,
        json: JSON.parse(body),
        verified: receiver.secrets.some((s) =>
          verifySignature(s, signature, body, { nowSeconds, toleranceSeconds: 300 }),
        ),
      }
      const answer = receiver.respond(r, receiver.received.length)
      if (answer === 'hang') {
        hanging.add(res)
        return
      }
      receiver.received.push({ ...r, answered: answer })
      res
        .writeHead(answer, { 'content-type': 'text/plain' })
        .end(answer < 300 ? 'ok' : `failing on purpose (${answer})`)
      for (const w of [...waits]) {
        if (w.predicate(receiver.received)) {
          waits.splice(waits.indexOf(w), 1)
          w.resolve(receiver.received)
        }
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`
  return receiver
}
