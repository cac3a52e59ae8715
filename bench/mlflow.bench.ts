// The MLflow API side by side with MLflow 2.12's own tracking server, both on SQLite, both seeded with the same
// 10,000 registered models and their versions: registry read latency over one keep-alive connection, and the MLflow
// client's download of a large version from each server against the registry's native download of the same file,
// by the same client library (Python requests) and by curl.
// BENCH_MLFLOW_WARMUP (default 200): warm-up requests per case and server, at most 10 s of them (a JIT compiles the
// registry's code after the first few hundred). BENCH_MLFLOW_BASELINE=<repository root>: a third server started from
// another build of the registry (its apps/server/dist/main.js), seeded alike, in the latency loop: before/after in one run.
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
const defaults = { models: 10_000, versions: 50_000, fileMiB: 1024, runs: 20, downloads: 3, warmup: 200 }
/** The longest warm-up of one case on one server. */
const WARMUP_BUDGET_MS = 10_000

interface Settings {
  models: number
  versions: number
  fileMiB: number
  runs: number
  downloads: number
  warmup: number
}

function settingsFromEnv(): Settings {
  return {
    models: envInt('BENCH_MLFLOW_MODELS', defaults.models),
    versions: envInt('BENCH_MLFLOW_VERSIONS', defaults.versions),
    fileMiB: envInt('BENCH_MLFLOW_FILE_MIB', defaults.fileMiB),
    runs: envInt('BENCH_RUNS', defaults.runs),
    downloads: envInt('BENCH_MLFLOW_DOWNLOADS', defaults.downloads),
    warmup: envInt('BENCH_MLFLOW_WARMUP', defaults.warmup),
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

/**
 * Creates MLflow's schema with its own store (its migrations), then loads the same rows in one transaction. The
 * default experiment's artifact root is `mlflow-artifacts:/`, as `mlflow server --serve-artifacts` gives new
 * experiments: the client then sends and fetches a run's files through the server. A local path there would let the
 * client copy the files on disk itself, never asking the server (which the first version of this benchmark did).
 */
async function seedMlflow(file: string, env: NodeJS.ProcessEnv, rows: ReturnType<typeof readRegistry>) {
  const created = await run(
    python,
    [
      '-c',
      'import sys\nfrom mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore\n' +
        'SqlAlchemyStore("sqlite:///" + sys.argv[1], "mlflow-artifacts:/")',
      file,
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
  /** Milliseconds of the timed requests, by server name. */
  ms: Record<string, number[]>
  count: number
}

/** A server of the latency loop: the registry (and its baseline build) with a token, MLflow without. */
interface Target {
  name: string
  url: string
  headers: Record<string, string>
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
  targets: Target[],
  list: Case[],
  s: Pick<Settings, 'runs' | 'warmup'>,
  problems: string[],
): Promise<CaseResult[]> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }))
  const results: CaseResult[] = []
  const ask = async (i: number, c: Case) => {
    const answers: Answer[] = []
    for (const [k, t] of targets.entries()) {
      const a = await get(agents[k] as http.Agent, `${t.url}${c.path(i)}`, t.headers)
      if (a.status !== 200) throw new Error(`${c.label}: ${t.name} answered HTTP ${a.status}: ${a.body.slice(0, 300)}`)
      answers.push(a)
    }
    return answers
  }
  try {
    for (const c of list) {
      const r: CaseResult = { label: c.label, ms: Object.fromEntries(targets.map((t) => [t.name, []])), count: 0 }
      // Warm-up, the servers alternating; its first three rounds check that they answer the same models in the same
      // order. Then the timed runs, alternating too.
      const warmupStarted = performance.now()
      for (let i = 0; i < Math.max(3, s.warmup); i++) {
        if (i >= 3 && performance.now() - warmupStarted > WARMUP_BUDGET_MS) break
        const answers = await ask(i, c)
        if (i >= 3) continue
        const seen = answers.map((a) => JSON.stringify(c.names(a.body)))
        r.count = c.names((answers[0] as Answer).body).length
        for (const [k, t] of targets.entries()) {
          if (seen[k] !== seen[0]) problems.push(`${c.label}: ${t.name} answered differently from ${targets[0]?.name}`)
        }
      }
      for (let i = 0; i < s.runs; i++) {
        const answers = await ask(i + 3, c)
        for (const [k, t] of targets.entries()) r.ms[t.name]?.push((answers[k] as Answer).ms)
      }
      results.push(r)
      console.log(
        `mlflow: ${c.label}: ${targets.map((t) => `${t.name} ${median(r.ms[t.name] ?? []).toFixed(2)} ms`).join(', ')}`,
      )
    }
  } finally {
    for (const agent of agents) agent.destroy()
  }
  return results
}

// ---------------------------------------------------------------------------------------------------------------
// Downloads

type DownloadKey =
  | 'curlNative'
  | 'curlProxy'
  | 'requestsNative'
  | 'requestsProxy'
  | 'clientRegistry'
  | 'requestsMlflow'
  | 'clientMlflow'

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

/**
 * The same-client baseline: requests streaming one URL to disk in 1 MiB chunks, the loop the MLflow client runs for
 * each file (HttpArtifactRepository._download_file).
 */
const REQUESTS = `
import os, time, tempfile, requests
dst = tempfile.mkstemp(dir=os.environ["DST"])[1]
headers = {"Authorization": os.environ["AUTH"]} if os.environ.get("AUTH") else {}
t = time.perf_counter()
with requests.get(os.environ["URL"], headers=headers, stream=True) as r:
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
print(run.info.artifact_uri)
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

/** curl writing a file to disk (the same disk the Python clients write to). */
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

    // --- The servers, the same rows --------------------------------------------------------------------------------
    const seedRegistry = async (name: string, root: string) => {
      const dataDir = path.join(work, name)
      const server = await startRegistryProcess({ name, repoRoot: root, dataDir, logDir, adminPassword })
      services.push(server)
      const headers = await signIn(server.url, 'admin', adminPassword)
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
      log(`seeding ${name}: ${s.models} models, ${s.versions} versions`)
      const seeded = seedSqlite(dbFile, orgId, scale)
      log(`seeded in ${seeded.seconds.toFixed(1)} s`)
      return { server, headers, dbFile }
    }
    const { server: registry, headers: auth, dbFile } = await seedRegistry('modelreg', repoRoot)
    const baselineRoot = process.env.BENCH_MLFLOW_BASELINE
    const baseline = baselineRoot ? await seedRegistry('baseline', path.resolve(baselineRoot)) : undefined
    const rows = readRegistry(dbFile)
    const mlflowDb = path.join(work, 'mlflow.db')
    const mlflowArtifacts = path.join(work, 'mlflow-artifacts')
    log("seeding MLflow's database with the same rows")
    const mlSeedStarted = performance.now()
    await seedMlflow(mlflowDb, pyEnv, rows)
    log(`MLflow seeded in ${((performance.now() - mlSeedStarted) / 1000).toFixed(1)} s; starting its server`)
    const mlflow = await startMlflow(mlflowDb, mlflowArtifacts, logDir, pyEnv)
    services.push(mlflow)

    // --- Latency ---------------------------------------------------------------------------------------------------
    const names = rows.models.map((m) => m.name).sort()
    const targets: Target[] = [
      { name: 'modelreg', url: registry.url, headers: auth },
      { name: 'MLflow', url: mlflow.url, headers: {} },
      ...(baseline ? [{ name: 'baseline', url: baseline.server.url, headers: baseline.headers }] : []),
    ]
    const latency = await measureLatency(targets, cases(names), s, problems)

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
    // The same file through the MLflow artifact proxy: version 1's files, where get-download-uri points.
    const proxyUrl = `${registry.url}/api/2.0/mlflow-artifacts/artifacts/models/${big}/1/model/weights.bin`
    const put = await curlPut(
      fileUrl,
      file,
      { ...auth, 'x-checksum-sha256': sha256, 'content-type': 'application/octet-stream' },
      timeoutSec,
    )
    if (put.status !== 201) throw new Error(`native PUT: HTTP ${put.status} ${put.body?.slice(0, 300)}`)
    log("uploading the file to MLflow's server through its client")
    const artifactUri = (await py(MLFLOW_UPLOAD, { ...pyEnv, URI: mlflow.url, FILE: file, NAME: big }, timeoutSec * 2))
      .trim()
      .split('\n')
      .pop() as string
    if (!artifactUri.startsWith('mlflow-artifacts:/')) {
      throw new Error(`MLflow's run stores its files at ${artifactUri}, not behind its server`)
    }
    const mlflowFileUrl = `${mlflow.url}/api/2.0/mlflow-artifacts/artifacts/${artifactUri.replace(/^mlflow-artifacts:\/+/, '')}/model/weights.bin`

    const dl: Record<DownloadKey, number[]> = {
      curlNative: [],
      curlProxy: [],
      requestsNative: [],
      requestsProxy: [],
      clientRegistry: [],
      requestsMlflow: [],
      clientMlflow: [],
    }
    const token = auth.authorization?.replace(/^Bearer /, '') ?? ''
    const curl = (url: string, headers: Record<string, string>) => async () => {
      const c = await curlToFile(url, headers, dstDir, timeoutSec)
      if (c.bytes !== size) throw new Error(`curl ${url}: ${c.bytes} bytes, expected ${size}`)
      return c.seconds
    }
    const requests = (url: string, authorization: string) => () =>
      timedPython(REQUESTS, { ...pyEnv, URL: url, AUTH: authorization, DST: dstDir }, size, timeoutSec)
    const client = (uri: string, env: Record<string, string>) => () =>
      timedPython(DOWNLOAD, { ...pyEnv, ...env, URI: uri, NAME: big, DST: dstDir }, size, timeoutSec)
    // The clients take turns in a rotating order, each after a sync: the dirty pages one download leaves behind
    // must not slow the next one down.
    const clients: [DownloadKey, () => Promise<number>][] = [
      ['curlNative', curl(fileUrl, auth)],
      ['curlProxy', curl(proxyUrl, auth)],
      ['requestsNative', requests(fileUrl, auth.authorization ?? '')],
      ['requestsProxy', requests(proxyUrl, auth.authorization ?? '')],
      ['clientRegistry', client(registry.url, { MLFLOW_TRACKING_TOKEN: token })],
      ['requestsMlflow', requests(mlflowFileUrl, '')],
      ['clientMlflow', client(mlflow.url, {})],
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
    const markdown = render({
      s,
      latency,
      dl,
      size,
      loadBefore,
      loadAfter,
      problems,
      versions,
      title,
      baseline: !!baseline,
    })
    const ratio = (l: CaseResult, a: string, b: string) => median(l.ms[a] ?? []) / median(l.ms[b] ?? [])
    const summary = [
      `== ${title} ==`,
      ...latency.map(
        (l) =>
          `${l.label}: ${ratio(l, 'MLflow', 'modelreg').toFixed(1)}× faster than MLflow (median)` +
          (baseline ? `; baseline build ${ratio(l, 'MLflow', 'baseline').toFixed(1)}×` : ''),
      ),
      `MLflow client download from the registry: ${(median(dl.requestsNative) / median(dl.clientRegistry)).toFixed(2)}× ` +
        `the native API with the same library (requests), ${(median(dl.curlNative) / median(dl.clientRegistry)).toFixed(2)}× with curl`,
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
  dl: Record<DownloadKey, number[]>
  size: number
  loadBefore: number[]
  loadAfter: number[]
  problems: string[]
  versions: string
  title: string
  baseline: boolean
}): string {
  const ms = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1))
  const mbps = (secs: number[]) => f.size / MiB / median(secs)
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' / ')
  const cell = (xs: number[] | undefined) => `${ms(median(xs ?? []))} / ${ms(p95(xs ?? []))}`
  const rows = f.latency.map((l) => {
    const ratio = median(l.ms.MLflow ?? []) / median(l.ms.modelreg ?? [])
    const base = f.baseline
      ? ` ${cell(l.ms.baseline)} | ${(median(l.ms.MLflow ?? []) / median(l.ms.baseline ?? [])).toFixed(1)}× |`
      : ''
    return `| ${l.label} | ${l.count} | ${cell(l.ms.modelreg)} | ${cell(l.ms.MLflow)} | **${ratio.toFixed(1)}×** ${ratio >= 10 ? '✓' : '✗ (target 10×)'} |${base}`
  })
  const baseHead = f.baseline ? ' baseline build median / p95 (ms) | MLflow ÷ baseline |' : ''
  const baseRule = f.baseline ? ' ---: | ---: |' : ''
  const curlNative = mbps(f.dl.curlNative)
  const requestsNative = mbps(f.dl.requestsNative)
  const dlRow = (label: string, secs: number[]) =>
    `| ${label} | ${ms(median(secs))} | ${mbps(secs).toFixed(0)} | ${(mbps(secs) / curlNative).toFixed(2)}× | ${(mbps(secs) / requestsNative).toFixed(2)}× |`
  const sameClient = mbps(f.dl.clientRegistry) / requestsNative
  const byCurl = mbps(f.dl.clientRegistry) / curlNative
  return `## ${f.title}

\`BENCH_ONLY=mlflow npm run bench\` (\`bench/mlflow.bench.ts\`). Both servers run on this machine from their own
processes on SQLite: modelreg's \`apps/server/dist/main.js\`, and MLflow 2.12's own \`mlflow server\` from the vendored
sources on Debian's python3 (gunicorn, \`--workers 1\`, \`--serve-artifacts\`, artifact root \`mlflow-artifacts:/\` so that
its client sends and fetches files through the server; needs \`python3-gunicorn\` besides the packages in the vendor
README). Both hold the same ${f.s.models.toLocaleString('en')}
registered models and ${f.s.versions.toLocaleString('en')} versions (the list-search benchmark's rows, bulk-inserted
into the registry's database and, with the stages mapped, into the schema MLflow's own store created). Load average
(1/5/15 min) ${load(f.loadBefore)} before, ${load(f.loadAfter)} after, on the shared 2-core machine. ${f.versions}.

### Registry reads: one keep-alive connection each, ${f.s.runs} timed requests per case, the servers alternating

The registry is asked with an API token (visibility checks included); MLflow has no authentication. Each case starts
with up to ${f.s.warmup} warm-up requests per server (at most ${WARMUP_BUDGET_MS / 1000} s of them), the first three of which check that
both servers answer with the same models in the same order.${f.baseline ? ' "Baseline build" is the registry built from another commit (`BENCH_MLFLOW_BASELINE`), seeded alike, in the same loop.' : ''}

| request | items | modelreg median / p95 (ms) | MLflow median / p95 (ms) | MLflow ÷ modelreg |${baseHead}
| --- | ---: | ---: | ---: | ---: |${baseRule}
${rows.join('\n')}

\`get_registered_model\` is two statements: the token's, and one that reads the model with its key/value tags,
aliases and latest version per stage (with their tags and aliases) as JSON subqueries, its SQL text compiled once
(ADR 0031). The searches over many models are where MLflow scans and sorts in Python and modelreg reads one index
range (migration 0018), then the page's views in one statement.

### Download of a ${f.s.fileMiB} MiB version, ${f.s.downloads} rounds, median

Each client writes the file to the same disk, after a \`sync\`, in an order that rotates every round. The MLflow
client's time includes resolving \`models:/name/1\` (\`get-download-uri\`, the artifact listing); its bytes are one
\`requests\` stream read in 1 MiB \`iter_content\` chunks (\`HttpArtifactRepository._download_file\`), so the
like-for-like native baseline is that same loop on the native URL. The target is the MLflow client from modelreg at
≥ 0.9× the native API download.

| client → server | seconds | MiB/s | ÷ curl, native | ÷ requests, native |
| --- | ---: | ---: | ---: | ---: |
${dlRow('curl → modelreg native API (`GET …/versions/1.0.0/artifacts/model/weights.bin`)', f.dl.curlNative)}
${dlRow('curl → modelreg MLflow proxy (`GET /api/2.0/mlflow-artifacts/artifacts/models/…/1/model/weights.bin`)', f.dl.curlProxy)}
${dlRow('Python `requests`, 1 MiB chunks → modelreg native API', f.dl.requestsNative)}
${dlRow('Python `requests`, 1 MiB chunks → modelreg MLflow proxy', f.dl.requestsProxy)}
${dlRow('MLflow client `download_artifacts("models:/…/1")` → modelreg', f.dl.clientRegistry)}
${dlRow('Python `requests`, 1 MiB chunks → MLflow 2.12 server (its artifact proxy)', f.dl.requestsMlflow)}
${dlRow('MLflow client `download_artifacts("models:/…/1")` → MLflow 2.12 server', f.dl.clientMlflow)}

MLflow client from modelreg: **${sameClient.toFixed(2)}×** the native download by the same library
${sameClient >= 0.9 ? '✓' : '✗ (target 0.9×)'}, ${byCurl.toFixed(2)}× the native download by curl. The proxy and the
native route serve the same stream (curl: ${(mbps(f.dl.curlProxy) / curlNative).toFixed(2)}×, requests:
${(mbps(f.dl.requestsProxy) / requestsNative).toFixed(2)}×, the same \`BlobFileStream\` with a Content-Length on both);
beyond that stream the MLflow client makes four small requests (\`get-download-uri\`, three artifact listings: a few ms
each), and the rest is how each client reads the socket and writes the file (curl in 16 KiB writes, Python in 1 MiB
chunks), which on this shared disk varies from one download to the next more than the routes differ. The MLflow client downloads from modelreg at ${(mbps(f.dl.clientRegistry) / mbps(f.dl.clientMlflow)).toFixed(2)}× the
speed it gets from MLflow's own server.
${f.problems.length > 0 ? `\nProblems seen: ${f.problems.join('; ')}.\n` : ''}`
}
