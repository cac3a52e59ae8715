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

export function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  opts: SendOptions,
): Promise<SendResult> {
  const started = performance.now()
  const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({
    ...r,
    durationMs: Math.round(performance.now() - started),
  })
  return new Promise((resolve) => {
    const parsed = new URL(url)
    const host = parsed.hostname.replace(/^\[|\]$/g, '')
    if (net.isIP(host) !== 0) {
      const why = refusedAddress(host, opts.allowPrivate)
      if (why !== undefined) return resolve(done({ status: null, error: `refused: ${why}`, excerpt: null }))
    }
    const client = parsed.protocol === 'https:' ? https : http
    let settled = false
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(done(r))
    }
    const req = client.request(parsed, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      lookup: guardedLookup(opts.allowPrivate),
      // One connection per delivery: nothing pooled is reused across receivers or past a guard decision.
      agent: false,
      signal: opts.signal,
    })
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`)), opts.timeoutMs)
    req.on('error', (err) => {
      const refused = err instanceof RefusedAddressError
      finish({ status: null, error: refused ? `refused: ${err.message}` : err.message, excerpt: null })
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      let read = 0
      const status = res.statusCode ?? 0
      const end = () => {
        const excerpt = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString('utf8')
        finish({ status, error: null, excerpt })
        res.destroy()
      }
      res.on('data', (chunk: Buffer) => {
        if (read < EXCERPT_BYTES) chunks.push(chunk)
        read += chunk.length
        // Past the bound the rest is not read: the status has already decided the outcome.
        if (read >= opts.maxResponseBytes) end()
      })
      res.on('end', end)
      res.on('error', (err) => finish({ status, error: err.message, excerpt: null }))
    })
    req.end(body)
  })
}
