// scripts/cluster.sh as a newcomer runs it: start (nginx round-robin over two replicas, PostgreSQL, a throwaway
// Ceph RGW), push a folder with the CLI through the printed URL and pull it back byte for byte, then stop.
import { execFile } from 'node:child_process'
import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, repoRoot } from './helpers.js'

const run = promisify(execFile)
const script = path.join(repoRoot, 'scripts/cluster.sh')
const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex')
let dir: string
let env: NodeJS.ProcessEnv
let url = ''
let password = ''

beforeAll(async () => {
  if (!fs.existsSync(path.join(repoRoot, 'apps/cli/dist/cli.js'))) throw new Error('run `npm run build` first')
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cluster-'))
  env = {
    ...process.env,
    CLUSTER_PORT: String(await freePort()),
    CLUSTER_REPLICA_PORTS: `${await freePort()} ${await freePort()}`,
    CLUSTER_RGW_PORT: String(await freePort()),
    RGW_MON_PORT_V2: String(await freePort()),
    RGW_MON_PORT_V1: String(await freePort()),
    CLUSTER_DATABASE: `cluster_test_${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'info',
  }
  for (const key of Object.keys(env)) if (key.startsWith('MODELREG_') || key === 'DATABASE_URL') delete env[key]
  const started = await run('bash', [script, 'start', path.join(dir, 'state')], { env, timeout: 280_000 })
  url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stdout)?.[1] ?? ''
  password = /password: (\S+)/.exec(started.stdout)?.[1] ?? ''
  if (!url || !password) throw new Error(`cluster.sh start printed no URL or password:\n${started.stdout}`)
}, 300_000)

afterAll(async () => {
  if (dir) {
    await run('bash', [script, 'stop', path.join(dir, 'state')], { env, timeout: 120_000 })
    fs.rmSync(dir, { recursive: true, force: true })
  }
}, 150_000)

describe('scripts/cluster.sh', () => {
  it('serves a two-replica registry: the CLI pushes a folder through the URL and pulls it back byte for byte', async () => {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
    expect(login.status).toBe(200)
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    const created = await fetch(`${url}/api/v1/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
        'x-csrf-token': csrfToken,
      },
      body: JSON.stringify({ name: 'cluster-test', scope: 'admin' }),
    })
    expect(created.status).toBe(201)
    const cli = {
      ...env,
      MODELREG_URL: url,
      MODELREG_TOKEN: ((await created.json()) as { token: string }).token,
      XDG_CONFIG_HOME: path.join(dir, 'config'),
    }
    const source = path.join(dir, 'model')
    fs.mkdirSync(path.join(source, 'weights'), { recursive: true })
    fs.writeFileSync(path.join(source, 'config.json'), '{"layers": 2}\n')
    // Three parts of 16 MiB, sent together: nginx hands them to both replicas.
    fs.writeFileSync(path.join(source, 'weights/model.bin'), randomFillSync(Buffer.alloc(40 * 1024 * 1024 + 1)))
    const bin = path.join(repoRoot, 'apps/cli/bin/modelreg.js')
    await run(process.execPath, [bin, 'push', source, 'demo@1.0.0', '--framework', 'pytorch', '--no-progress'], {
      env: cli,
    })
    const dest = path.join(dir, 'pulled')
    await run(process.execPath, [bin, 'pull', 'demo@1.0.0', dest, '--no-progress'], { env: cli })
    for (const rel of ['config.json', 'weights/model.bin']) {
      expect(sha(path.join(dest, rel)), rel).toBe(sha(path.join(source, rel)))
    }
    for (const log of ['replica-1.log', 'replica-2.log']) {
      expect(fs.readFileSync(path.join(dir, 'state', log), 'utf8'), log).toMatch(
        /"PUT","url":"\/api\/v1\/uploads\/[^"]+\/parts\//,
      )
    }
  }, 120_000)
})
