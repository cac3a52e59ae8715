// The one client of every row: curl (downloads to /dev/null or through sha256, uploads with -T), plus the
// resumable-upload client (node:http, since curl cannot send a byte range of a file) and the openssl floor.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import { pipeline } from 'node:stream/promises'
import { run } from './processes.js'

export const MiB = 1024 * 1024

export interface Transfer {
  status: number
  /** Bytes received (downloads) or sent (uploads) by curl. */
  bytes: number
  seconds: number
  /** Until the first byte of the response arrived (curl's time_starttransfer). */
  firstByteSeconds: number
  /** sha256 of the received body, when it was hashed. */
  sha256?: string
  /** The response body of an upload. */
  body?: string
}

const headerArgs = (headers: Record<string, string> = {}) =>
  Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`])

const WRITE_OUT = '\nCURL %{http_code} %{size_download} %{size_upload} %{time_total} %{time_starttransfer}\n'

function parseWriteOut(text: string) {
  const line = text.split('\n').find((l) => l.startsWith('CURL '))
  if (!line) throw new Error(`curl gave no result: ${text.trim().slice(0, 500)}`)
  const [status, down, up, seconds, firstByteSeconds] = line.split(' ').slice(1).map(Number)
  return {
    status: status ?? 0,
    down: down ?? 0,
    up: up ?? 0,
    seconds: seconds ?? 0,
    firstByteSeconds: firstByteSeconds ?? 0,
  }
}

/**
 * GET url with curl. `hash: false` sends the body to /dev/null (the timed runs: nothing on the client but curl);
 * `hash: true` streams it through sha256 in this process (the verifying run). `follow` follows a redirect.
 */
export async function curlGet(
  url: string,
  opts: { hash: boolean; follow?: boolean; timeoutSec: number; headers?: Record<string, string> },
) {
  // curl does not send an Authorization header on to another host or port when it follows a redirect.
  const args = [
    '-sS',
    '--max-time',
    String(opts.timeoutSec),
    ...(opts.follow ? ['-L'] : []),
    ...headerArgs(opts.headers),
  ]
  if (!opts.hash) {
    const r = await run('curl', [...args, '-o', '/dev/null', '-w', WRITE_OUT, url], {
      timeoutMs: (opts.timeoutSec + 5) * 1000,
    })
    const w = parseWriteOut(r.stdout.toString() + r.stderr)
    return {
      status: w.status,
      bytes: w.down,
      seconds: w.seconds,
      firstByteSeconds: w.firstByteSeconds,
    } satisfies Transfer
  }
  const hash = createHash('sha256')
  const r = await run('curl', [...args, '-o', '-', '-w', `%{stderr}${WRITE_OUT}`, url], {
    timeoutMs: (opts.timeoutSec + 5) * 1000,
    onStdout: (chunk) => hash.update(chunk),
  })
  const w = parseWriteOut(r.stderr)
  const sha256 = hash.digest('hex')
  return {
    status: w.status,
    bytes: w.down,
    seconds: w.seconds,
    firstByteSeconds: w.firstByteSeconds,
    sha256,
  } satisfies Transfer
}

/** PUT a file with curl -T (streamed from disk), returning the response body. */
export async function curlPut(url: string, file: string, headers: Record<string, string>, timeoutSec: number) {
  const r = await run(
    'curl',
    [
      '-sS',
      '--max-time',
      String(timeoutSec),
      '-T',
      file,
      ...headerArgs(headers),
      '-o',
      '-',
      '-w',
      `%{stderr}${WRITE_OUT}`,
      url,
    ],
    { timeoutMs: (timeoutSec + 5) * 1000 },
  )
  const w = parseWriteOut(r.stderr)
  const body = r.stdout.toString()
  return {
    status: w.status,
    bytes: w.up,
    seconds: w.seconds,
    firstByteSeconds: w.firstByteSeconds,
    body,
  } satisfies Transfer
}

/** `openssl dgst -sha256 file`: the hashing floor of an upload, and the file's digest. */
export async function opensslSha256(file: string, timeoutSec: number): Promise<{ sha256: string; seconds: number }> {
  const started = performance.now()
  const r = await run('openssl', ['dgst', '-sha256', '-r', file], { timeoutMs: timeoutSec * 1000 })
  const seconds = (performance.now() - started) / 1000
  const sha256 = r.stdout.toString().split(' ')[0] ?? ''
  if (r.code !== 0 || !/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`openssl dgst failed: ${r.stderr}`)
  return { sha256, seconds }
}

export async function api<T>(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { ...headers, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(300_000),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${url} -> ${res.status} ${text.slice(0, 500)}`)
  return (text === '' ? undefined : JSON.parse(text)) as T
}

/** Signs in as the admin and creates an API token: the headers every registry request then carries. */
export async function signIn(url: string, username: string, password: string): Promise<Record<string, string>> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(30_000),
  })
  if (!login.ok) throw new Error(`sign-in at ${url} -> ${login.status} ${await login.text()}`)
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const created = await api<{ token: string }>(
    'POST',
    `${url}/api/v1/tokens`,
    { name: 'transfer-bench' },
    { cookie, 'x-csrf-token': csrfToken },
  )
  return { authorization: `Bearer ${created.token}` }
}

/** PUT a byte range of a file with node:http, streamed with 1 MiB reads. */
function putRange(
  url: string,
  file: string,
  range: { start: number; end: number },
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<string> {
  const { start, end } = range
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'PUT',
      headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': end - start + 1 },
      timeout: timeoutMs,
    })
    req.once('timeout', () => req.destroy(new Error(`PUT ${url} timed out`)))
    req.once('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.once('end', () => {
        const text = Buffer.concat(chunks).toString()
        if (res.statusCode !== 200) reject(new Error(`PUT ${url} -> ${res.statusCode} ${text.slice(0, 500)}`))
        else resolve(text)
      })
      res.once('error', reject)
    })
    req.once('error', reject)
    pipeline(fs.createReadStream(file, { start, end, highWaterMark: MiB }), req).catch(reject)
  })
}

/**
 * The resumable upload API: create a session (size and sha256 declared), send the parts one after the other,
 * complete. Returns the wall time of the whole exchange and the artifact the server answered.
 */
export async function sessionUpload(opts: {
  base: string
  versionUrl: string
  path: string
  file: string
  size: number
  sha256: string
  partBytes: number
  timeoutSec: number
  headers: Record<string, string>
}): Promise<{ seconds: number; artifact: { sha256: string; size: number } }> {
  const started = performance.now()
  const session = await api<{ id: string }>(
    'POST',
    `${opts.versionUrl}/uploads`,
    { path: opts.path, size: opts.size, sha256: opts.sha256 },
    opts.headers,
  )
  for (let start = 0, n = 1; start < opts.size; start += opts.partBytes, n++) {
    const end = Math.min(opts.size, start + opts.partBytes) - 1
    const url = `${opts.base}/api/v1/uploads/${session.id}/parts/${n}`
    await putRange(url, opts.file, { start, end }, opts.headers, opts.timeoutSec * 1000)
  }
  const complete = `${opts.base}/api/v1/uploads/${session.id}/complete`
  const artifact = await api<{ sha256: string; size: number }>('POST', complete, undefined, opts.headers)
  return { seconds: (performance.now() - started) / 1000, artifact }
}
