// The scale-out drill: two replicas as real processes, started at the same moment on an empty PostgreSQL database
// and a real S3 bucket (Ceph RGW), behind a proxy that sends requests to each in turn. Sessions, upload parts,
// sign-in budgets and deletions hold across replicas, and a replica SIGKILLed under write load loses nothing that
// was acknowledged while the other never answers 5xx.
import { spawn } from 'node:child_process'
import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postgresUrl, unitLane } from '../helpers/registry.js'
import {
  freePort,
  type ReplicaProcess,
  type ReplicaSettings,
  repoRoot,
  startAlternatingProxy,
  startReplica,
  stopReplica,
} from '../helpers/replica-process.js'
import { openTestBucket } from '../helpers/s3.js'

const MiB = 1024 * 1024
const PASSWORD = 'drill-admin-password'
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/** Resolves once `check` holds, asking again whenever the event loop has had a turn (no fixed wait). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 20))
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'apps/cli/bin/modelreg.js'), ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString()
  })
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })))
}

describe.skipIf(unitLane)('the two-replica drill on PostgreSQL and S3', () => {
  const database = `drill_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-drill-'))
  let bucket: Awaited<ReturnType<typeof openTestBucket>>
  let settings: (i: number) => ReplicaSettings
  let ports: number[] = []
  const replicas: (ReplicaProcess | undefined)[] = [undefined, undefined]
  let proxy: Awaited<ReturnType<typeof startAlternatingProxy>>
  let token = ''
  const api = (base: string, url: string, init: RequestInit = {}) =>
    fetch(`${base}${url}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        ...(typeof init.body === 'string' && { 'content-type': 'application/json' }),
        ...init.headers,
      },
    })
  const direct = (i: number) => replicas[i]?.url ?? ''

  beforeAll(async () => {
    await adminQuery(`create database ${database}`)
    bucket = await openTestBucket()
    const url = new URL(postgresUrl)
    url.pathname = `/${database}`
    settings = (i) => ({
      databaseUrl: url.toString(),
      bucket: bucket.bucket,
      adminPassword: PASSWORD,
      dataDir: path.join(work, `replica-${i}`),
    })
    ports = [await freePort(), await freePort()]
    // Both at the same moment, on an empty database: one migrates and creates the admin, the other waits its turn.
    const started = await Promise.all([0, 1].map((i) => startReplica(ports[i] as number, settings(i))))
    started.forEach((r, i) => {
      replicas[i] = r
    })
    proxy = await startAlternatingProxy(started.map((r) => r.url))
  }, 120_000)

  afterAll(async () => {
    await proxy?.close()
    await Promise.all(replicas.map((r) => stopReplica(r)))
    await bucket?.close()
    await adminQuery(`drop database if exists ${database} with (force)`)
    fs.rmSync(work, { recursive: true, force: true })
  })

  it('signs in on one replica and uses the session on the other', async () => {
    const login = await fetch(`${direct(0)}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    })
    expect(login.status).toBe(200)
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
    const created = await fetch(`${direct(1)}/api/v1/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'drill', scope: 'admin' }),
    })
    expect(created.status).toBe(201)
    token = ((await created.json()) as { token: string }).token
    expect((await api(direct(0), '/api/v1/orgs')).status).toBe(200)
  })

  it('pushes a folder through both replicas with the CLI, parts in parallel, and pulls it back byte for byte', async () => {
    const source = path.join(work, 'model')
    const files: Record<string, Buffer> = {
      'config.json': Buffer.from('{"layers": 12}\n'),
      'weights/model.bin': randomFillSync(Buffer.alloc(40 * MiB + 7)),
    }
    for (const [rel, bytes] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(source, rel)), { recursive: true })
      fs.writeFileSync(path.join(source, rel), bytes)
    }
    const env = { MODELREG_URL: proxy.url, MODELREG_TOKEN: token, XDG_CONFIG_HOME: path.join(work, 'config') }
    // 40 MiB goes as three 16 MiB parts; the CLI sends up to 4 requests at once, so all three travel together.
    const mostInFlight = proxy.gateParts(3)
    const first = proxy.answers.length
    const push = await runCli(['push', source, 'drill@1.0.0', '--framework', 'pytorch', '--no-progress'], env)
    expect(push.code, push.output).toBe(0)
    expect(mostInFlight()).toBe(3)
    const parts = proxy.answers.slice(first).filter((a) => a.url.includes('/parts/'))
    expect(new Set(parts.map((a) => a.replica))).toEqual(new Set([0, 1]))
    expect(parts.every((a) => a.status === 200)).toBe(true)
    const dest = path.join(work, 'pulled')
    const pull = await runCli(['pull', 'drill@1.0.0', dest, '--no-progress'], env)
    expect(pull.code, pull.output).toBe(0)
    for (const [rel, bytes] of Object.entries(files)) {
      expect(sha(fs.readFileSync(path.join(dest, rel))), rel).toBe(sha(bytes))
    }
    // The parts are gone from the bucket once the session completed.
    expect(await bucket.keys('uploads/')).toEqual([])
  }, 120_000)

  it('loses no acknowledged write when a replica is SIGKILLed under load, and the survivor never answers 5xx', async () => {
    type Write = { url: string; bytes?: Buffer }
    const acknowledged: Write[] = []
    const acks = [0, 0, 0, 0]
    let stop = false
    const send = (url: string, init: RequestInit) =>
      api(proxy.url, url, init).then(
        (r) => r,
        () => undefined,
      )
    const client = async (k: number) => {
      for (let i = 0; !stop; i++) {
        const name = `load-${k}-${i}`
        const model = `/api/v1/models/default/${name}`
        const created = await send('/api/v1/models', {
          method: 'POST',
          body: JSON.stringify({ name, version: '1.0.0', framework: 'pytorch' }),
        })
        if (created?.status !== 201) continue
        acknowledged.push({ url: model })
        const bytes = randomBytes(2000)
        const put = await send(`${model}/versions/1.0.0/artifacts/weights.bin`, {
          method: 'PUT',
          body: bytes,
          headers: { 'content-type': 'application/octet-stream' },
        })
        if (put?.status === 201 || put?.status === 200) {
          acknowledged.push({ url: `${model}/versions/1.0.0/artifacts/weights.bin`, bytes })
        }
        const version = await send(`${model}/versions`, { method: 'POST', body: JSON.stringify({ version: '1.1.0' }) })
        if (version?.status === 201) acknowledged.push({ url: `${model}/versions/1.1.0` })
        acks[k] = (acks[k] ?? 0) + 1
      }
    }
    const after = (n: number) => {
      const base = [...acks]
      return until(() => acks.every((a, k) => a >= (base[k] ?? 0) + n))
    }
    const first = proxy.answers.length
    const load = Promise.all([0, 1, 2, 3].map(client))
    try {
      await after(2)
      const killed = replicas[1] as ReplicaProcess
      killed.child.kill('SIGKILL')
      await killed.exited
      await after(2)
      replicas[1] = await startReplica(ports[1] as number, settings(1))
      const restarted = proxy.answers.length
      await until(() => proxy.answers.slice(restarted).some((a) => a.replica === 1 && a.status === 201))
      await after(2)
    } finally {
      stop = true
      await load
    }
    const survivor = proxy.answers.slice(first).filter((a) => a.replica === 0)
    expect(survivor.filter((a) => a.status >= 500 || a.status === 0)).toEqual([])
    expect(acknowledged.length).toBeGreaterThan(0)
    const reads = [0, 1].flatMap((replica) => acknowledged.map((write) => ({ replica, write })))
    const failures: string[] = []
    // Eight readers at a time: hundreds of reads one by one would be most of the drill's time.
    for (let i = 0; i < reads.length; i += 8) {
      await Promise.all(
        reads.slice(i, i + 8).map(async ({ replica, write }) => {
          const res = await api(direct(replica), write.url)
          const body = Buffer.from(await res.arrayBuffer())
          if (res.status !== 200 || (write.bytes && !body.equals(write.bytes))) {
            failures.push(`${write.url} on replica ${replica}: ${res.status}`)
          }
        }),
      )
    }
    expect(failures).toEqual([])
  }, 120_000)

  it('removes the unique bytes of a model deleted on one replica, for the other too, and keeps shared ones', async () => {
    const unique = randomBytes(5000)
    const shared = randomBytes(5000)
    for (const name of ['doomed', 'keeper']) {
      const res = await api(direct(0), '/api/v1/models', {
        method: 'POST',
        body: JSON.stringify({ name, version: '1.0.0', framework: 'pytorch' }),
      })
      expect(res.status).toBe(201)
    }
    const put = (name: string, file: string, bytes: Buffer) =>
      api(direct(0), `/api/v1/models/default/${name}/versions/1.0.0/artifacts/${file}`, {
        method: 'PUT',
        body: bytes,
        headers: { 'content-type': 'application/octet-stream' },
      })
    expect((await put('doomed', 'unique.bin', unique)).status).toBe(201)
    expect((await put('doomed', 'shared.bin', shared)).status).toBe(201)
    expect((await put('keeper', 'shared.bin', shared)).status).toBe(201)
    expect((await api(direct(1), '/api/v1/models/default/doomed', { method: 'DELETE' })).status).toBe(204)
    expect(await bucket.store.stat(sha(unique))).toBeUndefined()
    expect(await bucket.store.stat(sha(shared))).toBeDefined()
    expect((await api(direct(0), '/api/v1/models/default/doomed')).status).toBe(404)
    const kept = await api(direct(0), '/api/v1/models/default/keeper/versions/1.0.0/artifacts/shared.bin')
    expect(sha(Buffer.from(await kept.arrayBuffer()))).toBe(sha(shared))
  })

  it('throttles six wrong passwords spread over both replicas at the documented limit (5, then 429)', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${direct(i % 2)}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: `wrong-${i}` }),
      })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429])
  })
})
