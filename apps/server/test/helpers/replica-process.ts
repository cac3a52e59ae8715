// Registry replicas as real processes (the built apps/server/dist/main.js) on a PostgreSQL database and an S3
// bucket, and a proxy in front of them that sends each request to the next replica in turn, recording who answered.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import net from 'node:net'
import path from 'node:path'
import { s3Settings } from './s3.js'

export const repoRoot = path.resolve(import.meta.dirname, '../../../..')
const serverMain = path.join(repoRoot, 'apps/server/dist/main.js')

export interface ReplicaSettings {
  databaseUrl: string
  bucket: string
  adminPassword: string
  dataDir: string
}

export interface ReplicaProcess {
  url: string
  child: ChildProcess
  exited: Promise<number | null>
  log: () => string
}

/** Starts a replica on `port`; resolves once it is listening (its /readyz answers 200). */
export async function startReplica(port: number, settings: ReplicaSettings): Promise<ReplicaProcess> {
  if (!fs.existsSync(serverMain)) throw new Error(`${serverMain} is missing: run \`npm run build\` first`)
  const child = spawn(process.execPath, [serverMain], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: settings.databaseUrl,
      MODELREG_DATA_DIR: settings.dataDir,
      MODELREG_ADMIN_PASSWORD: settings.adminPassword,
      MODELREG_BLOB_STORE: 's3',
      MODELREG_S3_BUCKET: settings.bucket,
      MODELREG_S3_ENDPOINT: s3Settings.endpoint,
      MODELREG_S3_REGION: s3Settings.region,
      MODELREG_S3_ACCESS_KEY_ID: s3Settings.accessKeyId,
      MODELREG_S3_SECRET_ACCESS_KEY: s3Settings.secretAccessKey,
      MODELREG_S3_FORCE_PATH_STYLE: 'true',
      MODELREG_SHUTDOWN_GRACE_SECONDS: '5',
      // The AWS SDK's notice about Node versions is not the test's business.
      NODE_NO_WARNINGS: '1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr?.on('data', (d: Buffer) => {
    log += d.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const replica = { url: `http://127.0.0.1:${port}`, child, exited, log: () => log }
  await waitUntilReady(replica)
  return replica
}

async function waitUntilReady(replica: ReplicaProcess): Promise<void> {
  for (;;) {
    if (replica.child.exitCode !== null || replica.child.signalCode !== null) {
      throw new Error(`the replica on ${replica.url} exited: ${replica.log()}`)
    }
    const ready = await fetch(`${replica.url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return
    // Not listening yet: ask again once the event loop has had a turn at the child's output.
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function stopReplica(replica: ReplicaProcess | undefined): Promise<void> {
  if (!replica || replica.child.exitCode !== null || replica.child.signalCode !== null) return
  replica.child.kill('SIGTERM')
  await replica.exited
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

export interface Answer {
  replica: number
  method: string
  url: string
  /** The replica's status, or 0 when it never answered (connection refused or cut). */
  status: number
}

/**
 * A proxy that sends request i to replica i mod n and records each answer. When `gateParts` is set, upload-part
 * requests are held until that many are in flight at once (then everything passes): parallel parts, seen without
 * timing. A replica that cannot be reached is answered 502 by the proxy, as a load balancer would.
 */
export async function startAlternatingProxy(upstreams: readonly string[]) {
  const answers: Answer[] = []
  let next = 0
  let gate: { at: number; held: (() => void)[]; inFlight: number; most: number; open: boolean } | undefined
  const server = http.createServer((req, res) => {
    const replica = next++ % upstreams.length
    const target = new URL(upstreams[replica] as string)
    const record = (status: number) => answers.push({ replica, method: req.method ?? '', url: req.url ?? '', status })
    const forward = () => {
      const out = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          record(answer.statusCode ?? 0)
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
          answer.on('error', () => res.destroy())
        },
      )
      out.on('error', () => {
        if (res.headersSent) return void res.destroy()
        record(0)
        res.writeHead(502, { 'content-type': 'text/plain' }).end('replica unreachable')
      })
      req.pipe(out)
    }
    const part = req.method === 'PUT' && req.url?.includes('/parts/')
    if (!part || !gate) return forward()
    const g = gate
    g.inFlight++
    g.most = Math.max(g.most, g.inFlight)
    res.on('close', () => {
      g.inFlight--
    })
    if (g.open) return forward()
    g.held.push(forward)
    if (g.inFlight >= g.at) {
      g.open = true
      for (const release of g.held.splice(0)) release()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    answers,
    /** From now on, hold part requests until `at` are in flight together; returns the most ever in flight. */
    gateParts: (at: number) => {
      gate = { at, held: [], inFlight: 0, most: 0, open: false }
      return () => gate?.most ?? 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
