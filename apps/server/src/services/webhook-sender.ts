// Sends one webhook delivery over HTTP(S), guarded: every address the host resolves to is checked when the
// connection is made (so a name that resolves somewhere else later is still caught), redirects are not followed,
// the whole exchange has a deadline and at most maxResponseBytes of the answer are read.
import dns from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import type { LookupFunction } from 'node:net'
import net from 'node:net'
import { refusedAddress } from '../domain/webhook-address.js'

export interface SendOptions {
  /** Loopback, private and link-local receivers allowed (MODELREG_WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean
  /** The whole exchange, connection to last byte read. */
  timeoutMs: number
  /** Bytes of the response read at most; the rest is not read. */
  maxResponseBytes: number
  signal?: AbortSignal
  /**
   * Keep-alive connections to reuse (the worker's, see keepAliveAgent). Each was opened through the guarded
   * lookup, so it leads to an address the guard allowed; a request never resolves a name without the guard.
   */
  agents?: KeepAliveAgents
}

export interface SendResult {
  /** The HTTP status, when a response came. */
  status: number | null
  /** Why no usable response came (refused address, timeout, connection error). */
  error: string | null
  /** The first bytes of the response body, as text. */
  excerpt: string | null
  durationMs: number
}

const EXCERPT_BYTES = 1024

/** A refusal by the guard; the message names the address and its class. */
export class RefusedAddressError extends Error {}

/** dns.lookup, refusing names that resolve to any address the guard refuses. */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0)
      const list = addresses as dns.LookupAddress[]
      for (const a of list) {
        const why = refusedAddress(a.address, allowPrivate)
        if (why !== undefined) return callback(new RefusedAddressError(`${hostname} resolves to ${why}`), '', 0)
      }
      if (list.length === 0) return callback(new Error(`${hostname} resolves to no address`), '', 0)
      if (options.all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list)
      const first = list[0] as dns.LookupAddress
      callback(null, first.address, first.family)
    })
  }
}

/**
 * Why `url` may not receive webhooks, or undefined: the scheme, credentials in it, and the addresses its host
 * names (an IP literal, or what the name resolves to now; a name that does not resolve yet is checked when sent).
 */
export async function urlProblem(url: string, allowPrivate: boolean): Promise<string | undefined> {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return 'it is not a URL'
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'only http and https URLs are allowed'
  if (parsed.username !== '' || parsed.password !== '') return 'credentials in the URL are not allowed'
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  if (net.isIP(host) !== 0) return refusedAddress(host, allowPrivate)
  const addresses = await dns.promises.lookup(host, { all: true }).catch(() => [])
  for (const a of addresses) {
    const why = refusedAddress(a.address, allowPrivate)
    if (why !== undefined) return `${host} resolves to ${why}`
  }
  return undefined
}

export interface KeepAliveAgents {
  http: http.Agent
  https: https.Agent
  destroy(): void
}

/**
 * Connections the worker keeps open between deliveries to the same receiver (host and port), closed after `idleMs`
 * unused. Only ever opened with guardedLookup, by requests that pass it as their lookup; one pool per scheme.
 */
export function keepAliveAgents(idleMs = 4_000): KeepAliveAgents {
  const options = { keepAlive: true, maxFreeSockets: 4, timeout: idleMs, scheduling: 'lifo' as const }
  const agents = { http: new http.Agent(options), https: new https.Agent(options) }
  return {
    ...agents,
    destroy: () => {
      agents.http.destroy()
      agents.https.destroy()
    },
  }
}

export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: SendOptions,
): Promise<SendResult> {
  const started = performance.now()
  const parsed = new URL(url)
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  })
  if (net.isIP(host) !== 0) {
    const why = refusedAddress(host, opts.allowPrivate)
    if (why !== undefined) return done({ status: null, error: `refused: ${why}`, excerpt: null })
  }
  const https_ = parsed.protocol === 'https:'
  const pooled = opts.agents && (https_ ? opts.agents.https : opts.agents.http)
  const first = await exchange(parsed, headers, body, opts, pooled ?? false, started)
  // A kept-alive connection the receiver closed just as it was reused: once more on a new connection.
  const result = first === 'stale' ? await exchange(parsed, headers, body, opts, false, started) : first
  // (A new connection is never reused, so the second answer is never 'stale'.)
  return done(result === 'stale' ? { status: null, error: 'the connection was closed', excerpt: null } : result)
}

/** One request on a connection from `agent` (false: a new one of its own); 'stale' when a reused one was dead. */
function exchange(
  parsed: URL,
  headers: Record<string, string>,
  body: string,
  opts: SendOptions,
  agent: http.Agent | false,
  started: number,
): Promise<Omit<SendResult, 'durationMs'> | 'stale'> {
  return new Promise((resolve) => {
    const client = parsed.protocol === 'https:' ? https : http
    let settled = false
    const finish = (r: Omit<SendResult, 'durationMs'> | 'stale') => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
    }
    let responded = false
    const req = client.request(parsed, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      // Every new connection resolves its name through the guard; a kept-alive one was opened the same way.
      lookup: guardedLookup(opts.allowPrivate),
      agent,
      signal: opts.signal,
    })
    // The deadline covers the whole delivery, a retry on a new connection included.
    const left = Math.max(1, opts.timeoutMs - (performance.now() - started))
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)), left)
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (req.reusedSocket && !responded && (err.code === 'ECONNRESET' || err.code === 'EPIPE')) return finish('stale')
      const refused = err instanceof RefusedAddressError
      finish({ status: null, error: refused ? `refused: ${err.message}` : err.message, excerpt: null })
    })
    req.on('response', (res) => {
      responded = true
      const chunks: Buffer[] = []
      let read = 0
      const status = res.statusCode ?? 0
      const end = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')
        finish({ status, error: null, excerpt })
      }
      res.on('data', (chunk: Buffer) => {
        if (read < EXCERPT_BYTES) chunks.push(chunk)
        read += chunk.length
        // Past the bound the rest is not read (the connection is closed): the status has decided the outcome.
        if (read >= opts.maxResponseBytes) {
          end()
          res.destroy()
        }
      })
      // Read to its end, a kept-alive connection goes back to the pool.
      res.on('end', end)
      res.on('error', (err) => finish({ status, error: err.message, excerpt: null }))
    })
    req.end(body)
  })
}
