// The MLflow API side by side with MLflow 2.12's own tracking server, both on SQLite, both seeded with the same
// 10,000 registered models and their versions: registry read latency over one keep-alive connection, and the MLflow
// client's download of a large version from each server against the registry's native download of the same file.
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import SqliteDatabase from 'better-sqlite3'
import { python, pythonPath } from '../apps/server/test/helpers/python-clients.js'
import { envInt, type Scale } from './list-search/rows.js'
import { seedSqlite } from './list-search/seed.js'
import type { BenchSection } from './run.js'
import { api, curlPut, MiB, opensslSha256, signIn } from './transfer/client.js'
import {
  freePort,
  httpAnswers,
  killAll,
  run,
  type Service,
  startRegistryProcess,
  startService,
} from './transfer/processes.js'
import { writeRandomFile } from './transfer/random-file.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const adminPassword = 'mlflow-bench-admin'
const defaults = { models: 10_000, versions: 50_000, fileMiB: 1024, runs: 20, downloads: 3 }

interface Settings {
  models: number
  versions: number
  fileMiB: number
  runs: number
  downloads: number
}

function settingsFromEnv(): Settings {
  return {
    models: envInt('BENCH_MLFLOW_MODELS', defaults.models),
    versions: envInt('BENCH_MLFLOW_VERSIONS', defaults.versions),
    fileMiB: envInt('BENCH_MLFLOW_FILE_MIB', defaults.fileMiB),
    runs: envInt('BENCH_RUNS', defaults.runs),
    downloads: envInt('BENCH_MLFLOW_DOWNLOADS', defaults.downloads),
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
const p95 = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)] as number
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding

/** The registry's models and versions as MLflow's tables want them (stage names mapped, times in ms). */
function readRegistry(file: string) {
  const db = new SqliteDatabase(file, { readonly: true })
  try {
    const ms = (t: string | number) => (typeof t === 'number' ? t : Date.parse(t))
    const models = db.prepare('select id, name, description, created_at from models').all() as {
      id: number
      name: string
      description: string
      created_at: string
    }[]
    const versions = db
      .prepare(
        'select m.name as name, v.sequence as sequence, v.stage as stage, v.created_at as created_at, ' +
          'v.description as description from versions v join models m on m.id = v.model_id',
      )
      .all() as { name: string; sequence: number; stage: string; created_at: string; description: string }[]
    const stage: Record<string, string> = {
      development: 'None',
      staging: 'Staging',
      production: 'Production',
      archived: 'Archived',
    }
    return {
      models: models.map((m) => ({ name: m.name, description: m.description, time: ms(m.created_at) })),
      versions: versions.map((v) => ({
        name: v.name,
        version: v.sequence,
        stage: stage[v.stage] ?? 'None',
        time: ms(v.created_at),
        description: v.description,
      })),
    }
  } finally {
    db.close()
  }
}

/** Creates MLflow's schema with its own store (its migrations), then loads the same rows in one transaction. */
async function seedMlflow(
  file: string,
  artifacts: string,
  env: NodeJS.ProcessEnv,
  rows: ReturnType<typeof readRegistry>,
) {
  const created = await run(
    python,
    [
      '-c',
      'import sys\nfrom mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore\n' +
        'SqlAlchemyStore("sqlite:///" + sys.argv[1], sys.argv[2])',
      file,
      artifacts,
    ],
    { timeoutMs: 120_000, env },
  )
  if (created.code !== 0) throw new Error(`creating MLflow's schema failed:\n${created.stderr}`)
  const db = new SqliteDatabase(file)
  try {
    const model = db.prepare(
      'insert into registered_models (name, creation_time, last_updated_time, description) values (?, ?, ?, ?)',
    )
    const version = db.prepare(
      'insert into model_versions (name, version, creation_time, last_updated_time, description, user_id, ' +
        "current_stage, source, run_id, status, status_message, run_link, storage_location) values (?, ?, ?, ?, ?, '', " +
        "?, ?, null, 'READY', null, null, ?)",
    )
    db.transaction(() => {
      for (const m of rows.models) model.run(m.name, m.time, m.time, m.description)
      for (const v of rows.versions) {
        const source = `models:/${v.name}/${v.version}`
        version.run(v.name, v.version, v.time, v.time, v.description, v.stage, source, source)
      }
    })()
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Servers

const startRegistry = (dataDir: string, logDir: string) =>
  startRegistryProcess({ name: 'modelreg', repoRoot, dataDir, logDir, adminPassword })

/** MLflow's own server as its docs run it: gunicorn, one worker (the loop sends one request at a time). */
async function startMlflow(
  dbFile: string,
  artifacts: string,
  logDir: string,
  env: NodeJS.ProcessEnv,
): Promise<Service & { url: string }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const service = await startService({
    name: 'mlflow',
    command: python,
    args: [
      '-m',
      'mlflow',
      'server',
      '--backend-store-uri',
      `sqlite:///${dbFile}`,
      '--artifacts-destination',
      artifacts,
      '--serve-artifacts',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      '--gunicorn-opts',
      '--timeout 1200',
    ],
    env,
    logFile: path.join(logDir, 'mlflow.log'),
    ready: () => httpAnswers(`${url}/health`),
    timeoutMs: 120_000,
  })
  return { ...service, url }
}

// ---------------------------------------------------------------------------------------------------------------
// Latency: one keep-alive connection per server, the same requests in turn

interface Answer {
  status: number
  body: string
  ms: number
}

function get(agent: http.Agent, url: string, headers: Record<string, string>): Promise<Answer> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString(),
          ms: performance.now() - started,
        }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(120_000, () => req.destroy(new Error(`${url}: no answer in 120 s`)))
  })
}

interface Case {
  label: string
  /** Path and query of the i-th request. */
  path: (i: number) => string
  /** What the answer must hold on both servers (the same models). */
  names: (body: string) => string[]
}

interface CaseResult {
  label: string
  registry: number[]
  mlflow: number[]
  count: number
}

const q = encodeURIComponent

function cases(models: string[]): Case[] {
  const pick = (i: number) => models[(i * 7919) % models.length] as string
  const modelNames = (body: string) =>
    ((JSON.parse(body) as { registered_models?: { name: string }[] }).registered_models ?? []).map((m) => m.name)
  const versionKeys = (body: string) =>
    ((JSON.parse(body) as { model_versions?: { name: string; version: string }[] }).model_versions ?? [])
      .map((v) => `${v.name}/${v.version}`)
      .sort()
  // A prefix shared by many models, and a word inside names.
  const prefix = (pick(1).split('-')[0] ?? 'a').slice(0, 3)
  const word = pick(2).split('-')[1] ?? pick(2).slice(1, 4)
  return [
    {
      label: '`get_registered_model` (GET registered-models/get)',
      path: (i) => `/api/2.0/mlflow/registered-models/get?name=${q(pick(i))}`,
      names: (b) => [(JSON.parse(b) as { registered_model: { name: string } }).registered_model.name],
    },
    {
      label: `\`search_registered_models\`, \`name LIKE '${prefix}%'\`, 100 per page`,
      path: () => `/api/2.0/mlflow/registered-models/search?filter=${q(`name LIKE '${prefix}%'`)}&max_results=100`,
      names: modelNames,
    },
    {
      label: `\`search_registered_models\`, \`name LIKE '%${word}%'\`, 100 per page`,
      path: () => `/api/2.0/mlflow/registered-models/search?filter=${q(`name LIKE '%${word}%'`)}&max_results=100`,
      names: modelNames,
    },
    {
      label: '`search_registered_models`, no filter, first 100 by name',
      path: () => '/api/2.0/mlflow/registered-models/search?max_results=100',
      names: modelNames,
    },
    {
      label: "`search_model_versions`, `name = '…'`",
      path: (i) => `/api/2.0/mlflow/model-versions/search?filter=${q(`name = '${pick(i)}'`)}`,
      names: versionKeys,
    },
  ]
}

async function measureLatency(
  registry: { url: string; headers: Record<string, string> },
  mlflow: { url: string },
  list: Case[],
  runs: number,
  problems: string[],
): Promise<CaseResult[]> {
  const regAgent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const mlAgent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const results: CaseResult[] = []
  try {
    for (const c of list) {
      const r: CaseResult = { label: c.label, registry: [], mlflow: [], count: 0 }
      // Warm-up (and the check that both servers answer the same), then the timed runs, alternating servers.
      for (let i = -3; i < runs; i++) {
        const a = await get(regAgent, `${registry.url}${c.path(i + 3)}`, registry.headers)
        const b = await get(mlAgent, `${mlflow.url}${c.path(i + 3)}`, {})
        if (a.status !== 200 || b.status !== 200) {
          throw new Error(`${c.label}: HTTP ${a.status} / ${b.status}: ${a.body.slice(0, 300)} ${b.body.slice(0, 300)}`)
        }
        if (i < 0) {
          const x = c.names(a.body)
          const y = c.names(b.body)
          r.count = x.length
          if (JSON.stringify(x) !== JSON.stringify(y)) {
            problems.push(`${c.label}: the servers answered differently (${x.length} vs ${y.length} items)`)
          }
          continue
        }
        r.registry.push(a.ms)
        r.mlflow.push(b.ms)
      }
      results.push(r)
      console.log(
        `mlflow: ${c.label}: registry ${median(r.registry).toFixed(2)} ms, MLflow ${median(r.mlflow).toFixed(2)} ms`,
      )
    }
  } finally {
    regAgent.destroy()
    mlAgent.destroy()
  }
  return results
}

// ---------------------------------------------------------------------------------------------------------------
// Downloads

/** MLflow's client downloading models:/name/1 (resolution included), timed in Python; prints seconds and bytes. */
const DOWNLOAD = `
import os, sys, time, tempfile, shutil
import mlflow
mlflow.set_tracking_uri(os.environ["URI"])
dst = tempfile.mkdtemp(dir=os.environ["DST"])
t = time.perf_counter()
out = mlflow.artifacts.download_artifacts(f"models:/{os.environ['NAME']}/1", dst_path=dst)
seconds = time.perf_counter() - t
size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(out) for f in fs)
shutil.rmtree(dst)
print(seconds, size)
`

/** The plain Python baseline: requests streaming the native API's file to disk in 1 MiB chunks. */
const REQUESTS = `
import os, time, tempfile, requests
dst = tempfile.mkstemp(dir=os.environ["DST"])[1]
t = time.perf_counter()
with requests.get(os.environ["URL"], headers={"Authorization": os.environ["AUTH"]}, stream=True) as r:
    r.raise_for_status()
    with open(dst, "wb") as f:
        for chunk in r.iter_content(1024 * 1024):
            f.write(chunk)
seconds = time.perf_counter() - t
size = os.path.getsize(dst)
os.remove(dst)
print(seconds, size)
`

/** Logs the file as a run's model folder on MLflow's server and registers it (version 1). */
const MLFLOW_UPLOAD = `
import os, mlflow
mlflow.set_tracking_uri(os.environ["URI"])
with mlflow.start_run() as run:
    mlflow.log_artifact(os.environ["FILE"], artifact_path="model")
mlflow.register_model(f"runs:/{run.info.run_id}/model", os.environ["NAME"])
`

async function py(script: string, env: NodeJS.ProcessEnv, timeoutSec: number): Promise<string> {
  const r = await run(python, ['-c', script], { timeoutMs: timeoutSec * 1000, env })
  if (r.code !== 0) throw new Error(`python failed (${r.code}):\n${r.stderr.slice(-2000)}`)
  return r.stdout.toString()
}

async function timedPython(script: string, env: NodeJS.ProcessEnv, size: number, timeoutSec: number) {
  const [seconds, bytes] = (await py(script, env, timeoutSec)).trim().split(/\s+/).map(Number)
  if (bytes !== size) throw new Error(`download: ${bytes} bytes, expected ${size}`)
  return seconds as number
}

/** curl writing the native API's file to disk (the same disk the Python clients write to). */
async function curlToFile(url: string, headers: Record<string, string>, dir: string, timeoutSec: number) {
  const dst = path.join(dir, 'curl.bin')
  const args = ['-sS', '-f', '--max-time', String(timeoutSec), '-o', dst, '-w', '%{time_total} %{size_download}']
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`)
  const r = await run('curl', [...args, url], { timeoutMs: (timeoutSec + 5) * 1000 })
  fs.rmSync(dst, { force: true })
  if (r.code !== 0) throw new Error(`curl ${url}: ${r.stderr}`)
  const [seconds, bytes] = r.stdout.toString().trim().split(' ').map(Number)
  return { seconds: seconds as number, bytes: bytes as number }
}

// ---------------------------------------------------------------------------------------------------------------
// The run

export async function mlflowBench(): Promise<BenchSection> {
  const s = settingsFromEnv()
  const fullScale = JSON.stringify(s) === JSON.stringify(defaults)
  const loadBefore = os.loadavg()
  const started = performance.now()
  const log = (msg: string) => console.error(`mlflow: ${((performance.now() - started) / 1000).toFixed(0)}s ${msg}`)
  const problems: string[] = []
  const work = fs.mkdtempSync(path.join(process.env.BENCH_MLFLOW_DIR ?? os.tmpdir(), 'modelreg-mlflow-bench-'))
  const logDir = path.join(work, 'logs')
  fs.mkdirSync(logDir)
  const services: Service[] = []
  const deadline = setTimeout(() => {
    log('gave up after 40 minutes; stopping everything')
    killAll()
  }, envInt('BENCH_MLFLOW_TIMEOUT_MINUTES', 40) * 60_000)
  deadline.unref()
  try {
    const pyEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: work,
      PYTHONPATH: await pythonPath(['mlflow-2.12', 'querystring_parser-1.2.4']),
      PYTHONDONTWRITEBYTECODE: '1',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '1200',
    }
    if (process.env.BENCH_MLFLOW_SKIP_BUILD !== '1') {
      log('building the server')
      const built = await run('npx', ['tsc', '-b', path.join(repoRoot, 'apps/server')], { timeoutMs: 300_000 })
      if (built.code !== 0) throw new Error(`tsc -b apps/server failed:\n${built.stdout}${built.stderr}`)
    }

    // --- Both servers, the same rows -----------------------------------------------------------------------------
    const dataDir = path.join(work, 'registry')
    const registry = await startRegistry(dataDir, logDir)
    services.push(registry)
    const auth = await signIn(registry.url, 'admin', adminPassword)
    const dbFile = path.join(dataDir, 'modelreg.sqlite')
    const orgId = (() => {
      const db = new SqliteDatabase(dbFile, { readonly: true })
      try {
        return (db.prepare("select id from organisations where name = 'default'").get() as { id: string }).id
      } finally {
        db.close()
      }
    })()
    const scale: Scale = {
      models: s.models,
      versions: s.versions,
      bigVersions: Math.min(1000, Math.floor(s.versions / 10)),
    }
    log(`seeding the registry: ${s.models} models, ${s.versions} versions`)
    const seeded = seedSqlite(dbFile, orgId, scale)
    const rows = readRegistry(dbFile)
    const mlflowDb = path.join(work, 'mlflow.db')
    const mlflowArtifacts = path.join(work, 'mlflow-artifacts')
    log(`seeded in ${seeded.seconds.toFixed(1)} s; seeding MLflow's database with the same rows`)
    const mlSeedStarted = performance.now()
    await seedMlflow(mlflowDb, mlflowArtifacts, pyEnv, rows)
    log(`MLflow seeded in ${((performance.now() - mlSeedStarted) / 1000).toFixed(1)} s; starting its server`)
    const mlflow = await startMlflow(mlflowDb, mlflowArtifacts, logDir, pyEnv)
    services.push(mlflow)

    // --- Latency ---------------------------------------------------------------------------------------------------
    const names = rows.models.map((m) => m.name).sort()
    const latency = await measureLatency(
      { url: registry.url, headers: auth },
      { url: mlflow.url },
      cases(names),
      s.runs,
      problems,
    )

    // --- Downloads -------------------------------------------------------------------------------------------------
    const size = s.fileMiB * MiB
    const filesDir = path.join(work, 'files')
    const dstDir = path.join(work, 'downloads')
    fs.mkdirSync(filesDir)
    fs.mkdirSync(dstDir)
    const file = path.join(filesDir, 'weights.bin')
    log(`writing a ${s.fileMiB} MiB file`)
    await writeRandomFile(file, size)
    const timeoutSec = Math.max(300, Math.ceil(s.fileMiB / 2))
    const { sha256 } = await opensslSha256(file, timeoutSec)
    const big = 'mlflow-bench-big'
    await api('POST', `${registry.url}/api/v1/models`, { name: big, framework: 'pytorch' }, auth)
    const fileUrl = `${registry.url}/api/v1/models/default/${big}/versions/1.0.0/artifacts/model/weights.bin`
    const put = await curlPut(
      fileUrl,
      file,
      { ...auth, 'x-checksum-sha256': sha256, 'content-type': 'application/octet-stream' },
      timeoutSec,
    )
    if (put.status !== 201) throw new Error(`native PUT: HTTP ${put.status} ${put.body?.slice(0, 300)}`)
    log("uploading the file to MLflow's server through its client")
    await py(MLFLOW_UPLOAD, { ...pyEnv, URI: mlflow.url, FILE: file, NAME: big }, timeoutSec * 2)

    const dl = {
      curl: [] as number[],
      requests: [] as number[],
      clientRegistry: [] as number[],
      clientMlflow: [] as number[],
    }
    const token = auth.authorization?.replace(/^Bearer /, '') ?? ''
    // The clients take turns in a rotating order, each after a sync: the dirty pages one download leaves behind
    // must not slow the next one down.
    const clients: [keyof typeof dl, () => Promise<number>][] = [
      [
        'curl',
        async () => {
          const c = await curlToFile(fileUrl, auth, dstDir, timeoutSec)
          if (c.bytes !== size) throw new Error(`curl: ${c.bytes} bytes, expected ${size}`)
          return c.seconds
        },
      ],
      [
        'requests',
        () =>
          timedPython(
            REQUESTS,
            { ...pyEnv, URL: fileUrl, AUTH: auth.authorization ?? '', DST: dstDir },
            size,
            timeoutSec,
          ),
      ],
      [
        'clientRegistry',
        () =>
          timedPython(
            DOWNLOAD,
            { ...pyEnv, URI: registry.url, MLFLOW_TRACKING_TOKEN: token, NAME: big, DST: dstDir },
            size,
            timeoutSec,
          ),
      ],
      [
        'clientMlflow',
        () => timedPython(DOWNLOAD, { ...pyEnv, URI: mlflow.url, NAME: big, DST: dstDir }, size, timeoutSec),
      ],
    ]
    for (let r = 0; r < s.downloads; r++) {
      log(`download round ${r + 1}/${s.downloads}`)
      for (let k = 0; k < clients.length; k++) {
        const [key, download] = clients[(k + r) % clients.length] as (typeof clients)[number]
        await run('sync', [], { timeoutMs: 120_000 })
        dl[key].push(await download())
      }
    }
    const loadAfter = os.loadavg()
    const versions = await toolVersions(pyEnv)
    const title = 'MLflow API against MLflow 2.12'
    const markdown = render({ s, latency, dl, size, loadBefore, loadAfter, problems, versions, title })
    const summary = [
      `== ${title} ==`,
      ...latency.map(
        (l) => `${l.label}: ${(median(l.mlflow) / median(l.registry)).toFixed(1)}× faster than MLflow (median)`,
      ),
      `MLflow client download from the registry: ${(median(dl.curl) / median(dl.clientRegistry)).toFixed(2)}× the native API (curl)`,
      ...problems.map((p) => `PROBLEM: ${p}`),
    ].join('\n')
    return { title, summary, markdown, fullScale }
  } finally {
    clearTimeout(deadline)
    for (const svc of services.reverse()) await svc.stop().catch(() => undefined)
    if (process.env.BENCH_MLFLOW_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true })
  }
}

async function toolVersions(env: NodeJS.ProcessEnv): Promise<string> {
  const out = await py(
    'import sys, sqlite3, mlflow, gunicorn, sqlalchemy\n' +
      'print(f"MLflow {mlflow.__version__}, Python {sys.version.split()[0]}, gunicorn {gunicorn.__version__}, ' +
      'SQLAlchemy {sqlalchemy.__version__}, SQLite {sqlite3.sqlite_version}")',
    env,
    60,
  )
  return `${out.trim()}; Node ${process.version}`
}

function render(f: {
  s: Settings
  latency: CaseResult[]
  dl: { curl: number[]; requests: number[]; clientRegistry: number[]; clientMlflow: number[] }
  size: number
  loadBefore: number[]
  loadAfter: number[]
  problems: string[]
  versions: string
  title: string
}): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1))
  const mbps = (secs: number[]) => f.size / MiB / median(secs)
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ')
  const rows = f.latency.map((l) => {
    const ratio = median(l.mlflow) / median(l.registry)
    return `| ${l.label} | ${l.count} | ${ms(median(l.registry))} / ${ms(p95(l.registry))} | ${ms(median(l.mlflow))} / ${ms(p95(l.mlflow))} | **${ratio.toFixed(1)}×** ${ratio >= 10 ? '✓' : '✗ (target 10×)'} |`
  })
  const native = mbps(f.dl.curl)
  const dlRow = (label: string, secs: number[]) =>
    `| ${label} | ${ms(median(secs))} | ${mbps(secs).toFixed(0)} | ${(mbps(secs) / native).toFixed(2)}× |`
  const clientRatio = mbps(f.dl.clientRegistry) / native
  return `## ${f.title}

\`BENCH_ONLY=mlflow npm run bench\` (\`bench/mlflow.bench.ts\`). Both servers run on this machine from their own
processes on SQLite: modelreg's \`apps/server/dist/main.js\`, and MLflow 2.12's own \`mlflow server\` from the vendored
sources on Debian's python3 (gunicorn, \`--workers 1\`, \`--serve-artifacts\`, a local artifact root; needs
\`python3-gunicorn\` besides the packages in the vendor README). Both hold the same ${f.s.models.toLocaleString('en')}
registered models and ${f.s.versions.toLocaleString('en')} versions (the list-search benchmark's rows, bulk-inserted
into the registry's database and, with the stages mapped, into the schema MLflow's own store created). Load average
(1/5/15 min) ${load(f.loadBefore)} before, ${load(f.loadAfter)} after, on the shared 2-core machine. ${f.versions}.

### Registry reads: one keep-alive connection each, ${f.s.runs} timed requests per case, the servers alternating

The registry is asked with an API token (visibility checks included); MLflow has no authentication. The first three
requests of each case are warm-up and check that both servers answer with the same models in the same order.

| request | items | modelreg median / p95 (ms) | MLflow median / p95 (ms) | MLflow ÷ modelreg |
| --- | ---: | ---: | ---: | ---: |
${rows.join('\n')}

\`get_registered_model\` and \`search_model_versions\` by name answer one model: modelreg's cost there is a fixed
number of indexed queries (token and visibility, the model, its key/value tags, latest version per stage, aliases,
the versions' tags and aliases; about ten), not a scan, so on this loaded machine the ratio stays near
MLflow's single ORM load ÷ ten SQLite round trips; the searches over many models are where MLflow scans and sorts in
Python and modelreg reads one index range (migration 0018).

### Download of a ${f.s.fileMiB} MiB version, ${f.s.downloads} rounds, median

Each client writes the file to the same disk, after a \`sync\`, in an order that rotates every round; the MLflow client's time includes resolving \`models:/name/1\`
(\`get-download-uri\`, the artifact listing). The target is the MLflow client from modelreg at ≥ 0.9× the native
API download.

| client → server | seconds | MiB/s | ÷ native (curl) |
| --- | ---: | ---: | ---: |
${dlRow('curl → modelreg native API (`GET …/versions/1.0.0/artifacts/model/weights.bin`)', f.dl.curl)}
${dlRow('Python `requests`, 1 MiB chunks → modelreg native API', f.dl.requests)}
${dlRow('MLflow client `download_artifacts("models:/…/1")` → modelreg', f.dl.clientRegistry)}
${dlRow('MLflow client `download_artifacts("models:/…/1")` → MLflow 2.12 server', f.dl.clientMlflow)}

MLflow client from modelreg: **${clientRatio.toFixed(2)}×** the native download ${clientRatio >= 0.9 ? '✓' : '✗ (target 0.9×)'}.
The same client reaches ${(mbps(f.dl.clientMlflow) / native).toFixed(2)}× from MLflow 2.12's own server and a plain
\`requests\` loop (one stream, 1 MiB \`iter_content\` chunks, as the MLflow client reads) ${(mbps(f.dl.requests) / native).toFixed(2)}×
from the native API; the MLflow client downloads from modelreg at
${(mbps(f.dl.clientRegistry) / mbps(f.dl.clientMlflow)).toFixed(2)}× the speed it gets from MLflow's own server.
${f.problems.length > 0 ? `\nProblems seen: ${f.problems.join('; ')}.\n` : ''}`
}
