// SIGTERM on a real server process (dist/main.js): readiness turns false, no new requests are taken, and an
// upload in flight finishes and is kept before the process exits 0.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import readline from 'node:readline'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const serverMain = path.resolve(import.meta.dirname, '../../dist/main.js')
const PASSWORD = 'drain-test-admin-password'

interface LogLine {
  msg: string
  url?: string
}

describe('a replica told to stop (SIGTERM)', () => {
  let child: ChildProcess
  let dataDir: string
  const lines: LogLine[] = []
  let waiters: { match: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = []
  const logged = (match: (l: LogLine) => boolean) =>
    new Promise<LogLine>((resolve) => {
      const seen = lines.find(match)
      if (seen) resolve(seen)
      else waiters.push({ match, resolve })
    })

  beforeAll(() => {
    if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`npx tsc -b\` first`)
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-drain-'))
    child = spawn(process.execPath, [serverMain], {
      env: {
        ...process.env,
        PORT: '0',
        HOST: '127.0.0.1',
        MODELREG_DATA_DIR: dataDir,
        MODELREG_ADMIN_PASSWORD: PASSWORD,
        MODELREG_SHUTDOWN_GRACE_SECONDS: '30',
        LOG_LEVEL: 'info',
        DATABASE_URL: '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      if (!text.startsWith('{')) return
      const line = JSON.parse(text) as LogLine
      lines.push(line)
      for (const w of waiters.filter((w) => w.match(line))) w.resolve(line)
      waiters = waiters.filter((w) => !w.match(line))
    })
  })
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL')
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('finishes the upload in flight, refuses new requests and exits 0', async () => {
    const ready = await logged((l) => l.msg === 'modelreg is ready')
    const base = ready.url ?? ''
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    })
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    const headers = { cookie, 'x-csrf-token': csrfToken }
    const created = await fetch(`${base}/api/v1/models`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'drained', framework: 'onnx' }),
    })
    expect(created.status).toBe(201)

    // An upload of 4 MiB, of which half is sent before the signal.
    const half = Buffer.alloc(2 * 1024 * 1024, 7)
    const upload = http.request(`${base}/api/v1/models/default/drained/versions/1.0.0/artifacts/weights.bin`, {
      method: 'PUT',
      agent: false,
      headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(2 * half.length) },
    })
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      upload.on('response', (res) => {
        let body = ''
        res.on('data', (d: Buffer) => {
          body += d.toString()
        })
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
      })
      upload.on('error', reject)
    })
    await new Promise<void>((resolve) => upload.write(half, () => resolve()))
    // The server has taken the upload once its metrics count it (loopback: no token needed).
    for (;;) {
      const text = await (await fetch(`${base}/metrics`)).text()
      if (/modelreg_active_transfers\{direction="upload"\} 1/.test(text)) break
    }

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGTERM')
    await logged((l) => l.msg === 'draining')
    // Not ready any more: /readyz answers 503 until the listener closes, then nothing is accepted at all.
    const probe = await fetch(`${base}/readyz`).then(
      (r) => r.status,
      () => 'refused' as const,
    )
    expect([503, 'refused']).toContain(probe)

    upload.end(half)
    const { status, body } = await answer
    expect(status, body).toBe(201)
    expect(await exited).toBe(0)
    // Kept: the version's file is in the data directory's blob store under its digest.
    expect(fs.readdirSync(path.join(dataDir, 'blobs'), { recursive: true }).length).toBeGreaterThan(0)
  }, 60_000)
})
