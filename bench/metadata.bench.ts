// Metadata latency over one keep-alive connection with an API token, side by side in one run with a bare node:http
// server answering a fixed JSON body (the floor of a request/response round trip in Node on this machine).
// `npx tsx bench/metadata.bench.ts` alone, or through `npm run bench`.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import type { BenchSection } from './run.js'
import { freePort, httpAnswers, run, type Service, startService } from './transfer/processes.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const postgresUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const defaults = { models: 100, rounds: 5, perRound: 400 }
const adminPassword = 'metadata-bench-admin'

interface Stats {
  p50: number
  p99: number
  n: number
}

/** One keep-alive connection: every request of a case goes through the same socket, one at a time. */
class Connection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  constructor(
    private readonly base: string,
    private readonly headers: Record<string, string>,
  ) {}

  request(method: string, url: string, body?: unknown): Promise<{ status: number; text: string }> {
    const data = body === undefined ? undefined : JSON.stringify(body)
    return new Promise((resolve, reject) => {
      const req = http.request(
        `${this.base}${url}`,
        {
          method,
          agent: this.agent,
          headers: { ...this.headers, ...(data ? { 'content-type': 'application/json' } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }))
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(data)
    })
  }

  close(): void {
    this.agent.destroy()
  }
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0

interface Case {
  name: string
  /** One timed request (or, for the evidence rows, one bare database round trip). */
  send: () => Promise<{ status: number; text: string }>
  samples: number[]
}

const httpCase = (name: string, conn: Connection, url: string): Case => ({
  name,
  send: () => conn.request('GET', url),
  samples: [],
})

/** Rounds of each case in turn, so that a busy spell of the shared machine touches every case alike. */
async function measure(cases: Case[], rounds: number, perRound: number): Promise<Map<string, Stats>> {
  for (const c of cases) {
    for (let i = 0; i < 200; i++) await expectOk(c, await c.send())
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of cases) {
      for (let i = 0; i < perRound; i++) {
        const t0 = performance.now()
        const res = await c.send()
        c.samples.push(performance.now() - t0)
        if (res.status !== 200) await expectOk(c, res)
      }
    }
  }
  return new Map(
    cases.map((c) => {
      const sorted = [...c.samples].sort((a, b) => a - b)
      return [c.name, { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), n: sorted.length }]
    }),
  )
}

async function expectOk(c: Case, res: { status: number; text: string }): Promise<void> {
  if (res.status !== 200) throw new Error(`${c.name}: HTTP ${res.status} ${res.text.slice(0, 300)}`)
}

/** A registry process on a fresh data dir (and a fresh PostgreSQL schema), with `models` models and a token. */
async function startRegistry(dialect: 'sqlite' | 'postgres', work: string, models: number) {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    MODELREG_DATA_DIR: path.join(work, `data-${dialect}`),
    LOG_LEVEL: 'warn',
    MODELREG_ADMIN_PASSWORD: adminPassword,
  }
  let dropSchema = async () => {}
  let pgClient: pg.Client | undefined
  if (dialect === 'postgres') {
    // A database of its own: the server resolves its tables by the connection's schema, and "public" of the test
    // database is shared with other work.
    const database = `bench_metadata_${process.pid}`
    const admin = async (statement: string) => {
      const client = new pg.Client({ connectionString: postgresUrl })
      await client.connect()
      await client.query(statement)
      await client.end()
    }
    await admin(`drop database if exists ${database}`)
    await admin(`create database ${database}`)
    await admin('create extension if not exists pg_trgm') // in the server's database, made by the server's migration
    const u = new URL(postgresUrl)
    u.pathname = `/${database}`
    env.DATABASE_URL = u.toString()
    pgClient = new pg.Client({ connectionString: u.toString() })
    await pgClient.connect()
    dropSchema = () => admin(`drop database if exists ${database} with (force)`)
  }
  const service = await startService({
    name: `registry-${dialect}`,
    command: process.execPath,
    args: [path.join(repoRoot, 'apps/server/dist/main.js')],
    env,
    logFile: path.join(work, `registry-${dialect}.log`),
    ready: () => httpAnswers(`${url}/healthz`),
  })

  // A session makes the token; the token does everything else.
  const login = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  })
  const session = (await login.json()) as { csrfToken: string }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const created = await fetch(`${url}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': session.csrfToken },
    body: JSON.stringify({ name: 'bench', scope: 'write' }),
  })
  const { token } = (await created.json()) as { token: string }
  const conn = new Connection(url, { authorization: `Bearer ${token}` })
  const frameworks = ['pytorch', 'onnx', 'tensorflow', 'scikit-learn', 'others']
  for (let i = 0; i < models; i++) {
    const res = await conn.request('POST', '/api/v1/models', {
      name: `bench-model-${String(i).padStart(4, '0')}`,
      version: '1.0.0',
      framework: frameworks[i % frameworks.length],
      ...(i % 5 === 4 ? { frameworkOther: 'XGBoost' } : {}),
      publicAccess: i % 3 === 0,
    })
    if (res.status !== 201) throw new Error(`create model: HTTP ${res.status} ${res.text.slice(0, 300)}`)
  }
  return { service: service as Service, conn, url, dropSchema, pg: pgClient }
}

/** The floor: node:http answering the get-model body, nothing else, in its own process like the registry. */
async function startFloor(work: string, body: string) {
  const port = await freePort()
  const file = path.join(work, 'floor-body.json')
  fs.writeFileSync(file, body)
  const script = `const http=require('node:http');const b=require('node:fs').readFileSync(${JSON.stringify(file)});
http.createServer((q,s)=>{s.writeHead(200,{'content-type':'application/json; charset=utf-8','content-length':b.length});s.end(b)}).listen(${port},'127.0.0.1')`
  const service = await startService({
    name: 'node-http-floor',
    command: process.execPath,
    args: ['-e', script],
    logFile: path.join(work, 'floor.log'),
    ready: () => httpAnswers(`http://127.0.0.1:${port}/`),
  })
  return { service, conn: new Connection(`http://127.0.0.1:${port}`, {}) }
}

const ms = (x: number) => (x >= 10 ? x.toFixed(1) : x.toFixed(2))
const verdict = (ok: boolean) => (ok ? 'met' : '**missed**')

export async function metadataBench(): Promise<BenchSection> {
  const scale = {
    models: envInt('BENCH_METADATA_MODELS', defaults.models),
    rounds: envInt('BENCH_METADATA_ROUNDS', defaults.rounds),
    perRound: envInt('BENCH_METADATA_PER_ROUND', defaults.perRound),
  }
  const fullScale = JSON.stringify(scale) === JSON.stringify(defaults)
  const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[]
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-metadata-'))
  const log = (msg: string) => console.error(`metadata: ${msg}`)
  if (process.env.BENCH_TRANSFER_SKIP_BUILD !== '1') {
    const built = await run('npx', ['tsc', '-b', path.join(repoRoot, 'apps/server')], { timeoutMs: 300_000 })
    if (built.code !== 0) throw new Error(`tsc -b apps/server failed:\n${built.stdout}${built.stderr}`)
  }
  const loadBefore = os.loadavg()
  const rows: string[] = []
  const lines: string[] = []
  for (const dialect of dialects) {
    log(`${dialect}: starting a registry with ${scale.models} models`)
    const reg = await startRegistry(dialect, work, scale.models)
    const body = (await reg.conn.request('GET', '/api/v1/models/default/bench-model-0000')).text
    const floor = await startFloor(work, body)
    try {
      const listUrl = `/api/v1/models?limit=${Math.min(100, scale.models)}`
      const cases: Case[] = [
        httpCase('floor', floor.conn, '/'),
        httpCase('get', reg.conn, '/api/v1/models/default/bench-model-0001'),
        httpCase('list', reg.conn, listUrl),
      ]
      // PostgreSQL: one bare round trip from Node (`select 1` on a pg client of the registry's database), timed in the
      // same rounds. A get makes two (the token, then the model), so this row shows what the database alone costs.
      if (reg.pg) {
        const client = reg.pg
        cases.push({
          name: 'pg',
          send: async () => {
            await client.query('select 1')
            return { status: 200, text: '' }
          },
          samples: [],
        })
      }
      const listed = JSON.parse((await reg.conn.request('GET', listUrl)).text) as { items: unknown[] }
      log(`${dialect}: measuring (${scale.rounds} rounds of ${scale.perRound} requests per case)`)
      const s = await measure(cases, scale.rounds, scale.perRound)
      const f = s.get('floor') as Stats
      const g = s.get('get') as Stats
      const l = s.get('list') as Stats
      const row = (what: string, x: Stats, target: number | undefined) => {
        const ratio = x.p50 / f.p50
        const tail = x.p99 / x.p50
        const goal =
          target === undefined
            ? x === f
              ? 'the floor'
              : 'evidence: a get makes two'
            : `${verdict(ratio <= target)} (≤ ${target}×); p99 ${verdict(tail <= 3)}`
        rows.push(
          `| ${dialect} | ${what} | ${ms(x.p50)} | ${ms(x.p99)} | ${tail.toFixed(1)}× | ${ratio.toFixed(2)}× | ${goal} |`,
        )
      }
      row('bare `node:http`, fixed JSON (the get body)', f, undefined)
      const p = s.get('pg')
      if (p) row('bare PostgreSQL round trip from Node (`select 1`, node-postgres)', p, undefined)
      row('`GET /api/v1/models/default/{name}` (get model)', g, 2)
      row(`\`GET /api/v1/models?limit=100\` (list, ${listed.items.length} rows)`, l, 6)
      lines.push(
        `${dialect}: floor p50 ${ms(f.p50)} ms;${p ? ` bare pg round trip ${ms(p.p50)} ms (${(p.p50 / f.p50).toFixed(2)}×);` : ''} get ${ms(g.p50)} ms (${(g.p50 / f.p50).toFixed(2)}×, p99/p50 ${(g.p99 / g.p50).toFixed(1)}); list ${ms(l.p50)} ms (${(l.p50 / f.p50).toFixed(2)}×, p99/p50 ${(l.p99 / l.p50).toFixed(1)})`,
      )
    } finally {
      reg.conn.close()
      await reg.pg?.end()
      floor.conn.close()
      await floor.service.stop()
      await reg.service.stop()
      await reg.dropSchema()
    }
  }
  const loadAfter = os.loadavg()
  fs.rmSync(work, { recursive: true, force: true })
  const markdown = `## Metadata latency

Written by \`bench/metadata.bench.ts\`. Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} cores
(${os.cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, load average (1/5/15 min) ${loadBefore.map((x) => x.toFixed(1)).join(' ')} before and
${loadAfter.map((x) => x.toFixed(1)).join(' ')} after: the machine was shared with other work.

One run, side by side: the registry (\`node apps/server/dist/main.js\`, a fresh data dir; PostgreSQL in a fresh database)
with ${scale.models} models, and a bare \`node:http\` server in its own process answering the registry's get-model body
from memory. The client holds one keep-alive connection per server and sends one request at a time with an API token
(\`Authorization: Bearer\`); 200 warm-up requests per case, then ${scale.rounds} rounds of ${scale.perRound} timed requests of each case
in turn. Milliseconds from sending to the last byte of the body. On PostgreSQL, an evidence row: one bare \`select 1\`
from Node on a node-postgres client, timed in the same rounds; a get needs two such round trips (the token, then the
model: revocation is checked on every request), a list two as well.

| Database | Request | p50 | p99 | p99 / p50 | p50 / floor | target |
| --- | --- | ---: | ---: | ---: | ---: | --- |
${rows.join('\n')}
`
  return { title: 'Metadata latency', summary: lines.join('\n'), markdown, fullScale }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  metadataBench()
    .then((s) => {
      console.log(s.summary)
      console.log(s.markdown)
    })
    .catch((err: unknown) => {
      console.error(err)
      process.exit(1)
    })
}
