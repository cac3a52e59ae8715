// A real registry as its own process (the built apps/server/dist/main.js) on a free loopback port, with a
// temp SQLite data dir and an admin API token made through the HTTP API like a user would.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(import.meta.dirname, '../../../..')
const serverMain = path.join(repoRoot, 'apps/server/dist/main.js')
const password = 'cli-e2e-admin-password'

export interface ServerProcess {
  url: string
  token: string
  dataDir: string
  stop(): Promise<void>
}

/** `env`: more settings of the registry (e.g. MODELREG_WEBHOOK_ALLOW_PRIVATE). */
export async function startServer(opts: { env?: Record<string, string> } = {}): Promise<ServerProcess> {
  if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`npm run build\` first`)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-e2e-server-'))
  const port = await freePort()
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MODELREG_DATA_DIR: dataDir,
      MODELREG_ADMIN_PASSWORD: password,
      LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      ...opts.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  const url = `http://127.0.0.1:${port}`
  try {
    await waitForHealth(url, child, () => stderr)
    const token = await createToken(url)
    return { url, token, dataDir, stop: () => stop(child, dataDir) }
  } catch (err) {
    await stop(child, dataDir)
    throw err
  }
}

async function stop(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
  fs.rmSync(dataDir, { recursive: true, force: true })
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

async function waitForHealth(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${log()}`)
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`the server did not become ready in 30 s: ${log()}`)
}

/** Sign in as the admin and create an API token, as the README tells a user to. */
async function createToken(url: string): Promise<string> {
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  })
  if (!login.ok) throw new Error(`login answered ${login.status}: ${await login.text()}`)
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const res = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'cli-e2e', scope: 'admin' }),
  })
  if (!res.ok) throw new Error(`token creation answered ${res.status}: ${await res.text()}`)
  return ((await res.json()) as { token: string }).token
}
