// The Hugging Face clients against the native API, in one run on one registry: a 1 GiB file downloaded with
// huggingface_hub's hf_hub_download (Python) and @huggingface/hub's downloadFile (JavaScript) through /hf, and with
// curl from the native artifact URL; uploaded through each client's LFS path (batch, PUT, commit) and with one
// native PUT. Every client writes to a file on the same disk, and every timed download starts with the earlier
// output deleted and the page cache flushed; each timing is taken inside the client around the call (no interpreter
// start-up). Downloads are checked by sha256, uploads by the registry's digest.
// Knobs (a smaller run is not full scale): BENCH_HF_MIB (1024), BENCH_HF_RUNS (3).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../apps/server/src/app.js'
import { openRegistry } from '../apps/server/src/bootstrap.js'
import { python, pythonPath } from '../apps/server/test/helpers/python-clients.js'
import type { BenchSection } from './run.js'
import { api, MiB, signIn } from './transfer/client.js'
import { run } from './transfer/processes.js'
import { writeRandomFile } from './transfer/random-file.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PASSWORD = 'hf-bench-admin-password'

function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor((s.length - 1) / 2)] ?? Number.NaN
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of fs.createReadStream(file, { highWaterMark: MiB })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/** Runs a child to its end: the seconds it printed on its last line (its own timing), and the lines before. */
async function timedRun(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const r = await run(command, args, { timeoutMs: 30 * 60_000, env, cwd: repoRoot })
  const lines = r.stdout.toString().trim().split('\n')
  const seconds = Number(lines.pop())
  if (r.code !== 0 || !Number.isFinite(seconds)) {
    throw new Error(`${command} failed (${r.code}): ${r.stderr.slice(-2000)} ${r.stdout.toString().slice(-500)}`)
  }
  return { seconds, lines }
}
const timed = async (command: string, args: string[], env: NodeJS.ProcessEnv) =>
  (await timedRun(command, args, env)).seconds

export async function hfBench(): Promise<BenchSection> {
  const mib = envInt('BENCH_HF_MIB', 1024)
  const runs = envInt('BENCH_HF_RUNS', 3)
  const fullScale = mib === 1024 && runs >= 3
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-hf-'))
  const registry = await openRegistry({
    database: { kind: 'sqlite', file: path.join(dir, 'r.sqlite') },
    blobRoot: path.join(dir, 'blobs'),
    adminPassword: PASSWORD,
  })
  const app = await buildApp({ db: registry.db, services: registry.services })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const loadBefore = os.loadavg()[0] ?? 0
  try {
    const headers = await signIn(base, 'admin', PASSWORD)
    const token = (headers.authorization ?? '').replace(/^Bearer /, '')
    const file = path.join(dir, 'weights.bin')
    await writeRandomFile(file, mib * MiB)
    const digest = await sha256File(file)
    const pyPath = await pythonPath(['huggingface_hub-0.36.2'])
    const pyEnv = (home: string) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      PYTHONPATH: pyPath,
      PYTHONDONTWRITEBYTECODE: '1',
      HF_ENDPOINT: `${base}/hf`,
      HF_TOKEN: token,
      HF_HOME: home,
      HF_HUB_DISABLE_TELEMETRY: '1',
      HF_HUB_DISABLE_XET: '1',
      HF_HUB_DISABLE_PROGRESS_BARS: '1',
    })
    const nodeEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }

    // The reference file: one model, one version, uploaded natively.
    await api('POST', `${base}/api/v1/models`, { name: 'hf-bench', framework: 'pytorch' }, headers)
    const artifactUrl = `${base}/api/v1/models/default/hf-bench/versions/1.0.0/artifacts/model.safetensors`
    await run('curl', ['-sS', '-f', '-T', file, '-H', `authorization: ${headers.authorization}`, artifactUrl], {
      timeoutMs: 30 * 60_000,
    })
    const out = path.join(dir, 'out.bin')
    const check = async (what: string, p: string) => {
      if ((await sha256File(p)) !== digest) throw new Error(`${what}: the downloaded bytes differ`)
    }
    /** Seconds a Node child takes to open \`body\` (a web stream, made by \`open\`) and write it to \`out\`. */
    const timedNodeDownload = (imports: string, open: string) =>
      timed(
        'node',
        [
          '--input-type=module',
          '-e',
          `import fs from 'node:fs'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
${imports}
const t = performance.now()
${open}
await pipeline(Readable.fromWeb(body), fs.createWriteStream(${JSON.stringify(out)}))
console.log((performance.now() - t) / 1000)`,
        ],
        nodeEnv,
      )

    const down = {
      native: [] as number[],
      resolve: [] as number[],
      python: [] as number[],
      js: [] as number[],
      pythonNative: [] as number[],
      jsNative: [] as number[],
    }
    /** Per run, each client over its own language on the native API, timed next to each other. */
    const paired = { python: [] as number[], js: [] as number[] }
    const up = { native: [] as number[], resumable: [] as number[], python: [] as number[], js: [] as number[] }
    const hfHome = path.join(dir, 'hf-home')
    // Every timed download starts from the same state: no earlier output on disk and no earlier download's bytes
    // still waiting in the page cache to be written (a 1 GiB file left dirty slows the writes of the next one).
    const settle = async () => {
      fs.rmSync(out, { force: true })
      fs.rmSync(hfHome, { recursive: true, force: true })
      await run('sync', [], { timeoutMs: 10 * 60_000 })
    }
    const curlDownload = async (what: string, url: string) => {
      await settle()
      const started = performance.now()
      const r = await run('curl', ['-sS', '-f', '-o', out, '-H', `authorization: ${headers.authorization}`, url], {
        timeoutMs: 30 * 60_000,
      })
      if (r.code !== 0) throw new Error(`${what} download failed: ${r.stderr}`)
      const seconds = (performance.now() - started) / 1000
      await check(what, out)
      return seconds
    }
    const pythonClient = async () => {
      await settle()
      const py = await timedRun(
        python,
        [
          '-c',
          `import time
from huggingface_hub import hf_hub_download
t = time.perf_counter()
p = hf_hub_download("default/hf-bench", "model.safetensors")
s = time.perf_counter() - t
print(p)
print(s)`,
        ],
        pyEnv(hfHome),
      )
      await check('huggingface_hub', py.lines[0] ?? '')
      return py.seconds
    }
    // Each client's own language reading the native API the way a user of that API would put the file on disk
    // (Python: requests, streamed in 10 MiB chunks as huggingface_hub reads; Node: fetch piped to a file).
    const pythonNative = async () => {
      await settle()
      const py = await timedRun(
        python,
        [
          '-c',
          `import time, requests
t = time.perf_counter()
with requests.get(${JSON.stringify(artifactUrl)}, headers={"authorization": ${JSON.stringify(headers.authorization)}}, stream=True) as r:
    r.raise_for_status()
    with open(${JSON.stringify(out)}, "wb") as f:
        for chunk in r.iter_content(chunk_size=10 * 1024 * 1024):
            f.write(chunk)
s = time.perf_counter() - t
print(${JSON.stringify(out)})
print(s)`,
        ],
        pyEnv(path.join(dir, 'unused-home')),
      )
      await check('python requests', out)
      return py.seconds
    }
    const jsClient = async () => {
      await settle()
      const seconds = await timedNodeDownload(
        `import { downloadFile } from '@huggingface/hub'`,
        `const blob = await downloadFile({ repo: 'default/hf-bench', path: 'model.safetensors', hubUrl: ${JSON.stringify(`${base}/hf`)}, accessToken: ${JSON.stringify(`hf_${token}`)} })
const body = blob.stream()`,
      )
      await check('@huggingface/hub', out)
      return seconds
    }
    const jsNative = async () => {
      await settle()
      const seconds = await timedNodeDownload(
        '',
        `const res = await fetch(${JSON.stringify(artifactUrl)}, { headers: { authorization: ${JSON.stringify(headers.authorization)} } })
if (!res.ok || !res.body) throw new Error('native download: ' + res.status)
const body = res.body`,
      )
      await check('node fetch', out)
      return seconds
    }
    /** Times a client and its native reference next to each other, the first of the two alternating by run. */
    const pair = async (i: number, client: () => Promise<number>, native: () => Promise<number>) => {
      if (i % 2 === 0) {
        const c = await client()
        return [c, await native()] as const
      }
      const n = await native()
      return [await client(), n] as const
    }
    for (let i = 0; i < runs; i++) {
      down.native.push(await curlDownload('native', artifactUrl))
      // The same client through /hf: what the Hub path costs the server, apart from the clients.
      down.resolve.push(await curlDownload('resolve', `${base}/hf/default/hf-bench/resolve/main/model.safetensors`))
      const [py, pyNative] = await pair(i, pythonClient, pythonNative)
      down.python.push(py)
      down.pythonNative.push(pyNative)
      paired.python.push(pyNative / py)
      const [js, jsNat] = await pair(i, jsClient, jsNative)
      down.js.push(js)
      down.jsNative.push(jsNat)
      paired.js.push(jsNat / js)
      await settle()

      // Uploads: a fresh model each, so no client finds the bytes already there.
      const fresh = async (kind: string) => {
        const name = `hf-bench-up-${kind}-${i}`
        await api('POST', `${base}/api/v1/models`, { name, framework: 'pytorch' }, headers)
        return name
      }
      const nativeName = await fresh('native')
      const putStarted = performance.now()
      const put = await run(
        'curl',
        [
          '-sS',
          '-f',
          '-T',
          file,
          '-H',
          `authorization: ${headers.authorization}`,
          '-H',
          'content-type: application/octet-stream',
          `${base}/api/v1/models/default/${nativeName}/versions/1.0.0/artifacts/model.safetensors`,
        ],
        { timeoutMs: 30 * 60_000 },
      )
      if (put.code !== 0) throw new Error(`native upload failed: ${put.stderr}`)
      up.native.push((performance.now() - putStarted) / 1000)

      // The native resumable upload, as the SDK (and \`modelreg push\`) send a large file: sha256, session, parts.
      const sdkName = await fresh('sdk')
      up.resumable.push(
        await timed(
          'node',
          [
            '--input-type=module',
            '-e',
            `import { uploadFile } from '@modelreg/sdk/node'
const t = performance.now()
await uploadFile({ client: { baseUrl: ${JSON.stringify(base)}, token: ${JSON.stringify(token)} }, name: ${JSON.stringify(sdkName)}, version: '1.0.0', path: 'model.safetensors', file: ${JSON.stringify(file)} })
console.log((performance.now() - t) / 1000)`,
          ],
          nodeEnv,
        ),
      )

      const pyName = await fresh('python')
      up.python.push(
        await timed(
          python,
          [
            '-c',
            `import time
from huggingface_hub import HfApi
t = time.perf_counter()
HfApi().upload_file(path_or_fileobj=${JSON.stringify(file)}, path_in_repo="model.safetensors", repo_id="default/${pyName}", commit_message="bench")
print(time.perf_counter() - t)`,
          ],
          pyEnv(path.join(dir, 'hf-home-up')),
        ),
      )
      const jsName = await fresh('js')
      up.js.push(
        await timed(
          'node',
          [
            '--input-type=module',
            '-e',
            `import { pathToFileURL } from 'node:url'
import { uploadFile } from '@huggingface/hub'
const t = performance.now()
await uploadFile({ repo: 'default/${jsName}', file: { path: 'model.safetensors', content: pathToFileURL(${JSON.stringify(file)}) }, hubUrl: ${JSON.stringify(`${base}/hf`)}, accessToken: ${JSON.stringify(`hf_${token}`)}, commitTitle: 'bench' })
console.log((performance.now() - t) / 1000)`,
          ],
          nodeEnv,
        ),
      )
      for (const [kind, name] of [
        ['native', nativeName],
        ['python', pyName],
        ['js', jsName],
      ] as const) {
        const listed = await api<{ items: { version: string }[] }>(
          'GET',
          `${base}/api/v1/models/default/${name}/versions?limit=10`,
          undefined,
          headers,
        )
        const version =
          listed.items
            .map((v) => v.version)
            .sort()
            .pop() ?? '1.0.0'
        const arts = await api<{ items: { path: string; sha256: string }[] }>(
          'GET',
          `${base}/api/v1/models/default/${name}/versions/${version}/artifacts`,
          undefined,
          headers,
        )
        if (!arts.items.some((a) => a.path === 'model.safetensors' && a.sha256 === digest)) {
          throw new Error(`${kind} upload: the registry does not hold the file's bytes`)
        }
      }
    }
    const loadAfter = os.loadavg()[0] ?? 0
    const rate = (xs: number[]) => mib / median(xs)
    const rows: [string, number, number, number | undefined][] = [
      ['download, native API (curl)', rate(down.native), 1, undefined],
      ['download, /hf resolve (curl)', rate(down.resolve), rate(down.resolve) / rate(down.native), undefined],
      ['download, native API (Python requests, 10 MiB chunks)', rate(down.pythonNative), 0, undefined],
      ['download, huggingface_hub hf_hub_download', rate(down.python), 0, median(paired.python)],
      ['download, native API (Node fetch to a file)', rate(down.jsNative), 0, undefined],
      ['download, @huggingface/hub downloadFile', rate(down.js), 0, median(paired.js)],
      ['upload, native PUT (curl)', rate(up.native), 1, undefined],
      [
        'upload, native resumable upload (the SDK, parts)',
        rate(up.resumable),
        rate(up.resumable) / rate(up.native),
        undefined,
      ],
      [
        'upload, huggingface_hub upload_file (LFS)',
        rate(up.python),
        rate(up.python) / rate(up.native),
        rate(up.python) / rate(up.resumable),
      ],
      [
        'upload, @huggingface/hub uploadFile (LFS)',
        rate(up.js),
        rate(up.js) / rate(up.native),
        rate(up.js) / rate(up.resumable),
      ],
    ]
    for (const row of rows) if (row[2] === 0) row[2] = row[1] / rate(down.native)
    const table = [
      '| path | MiB/s (median) | × native (curl) | × the same language on the native API (uploads: × the native resumable upload) |',
      '| --- | ---: | ---: | ---: |',
      ...rows.map(
        ([what, mibs, ratio, own]) =>
          `| ${what} | ${mibs.toFixed(0)} | ${ratio.toFixed(2)} | ${own === undefined ? '' : own.toFixed(2)} |`,
      ),
    ].join('\n')
    const markdown = `## Hugging Face clients against the native API

\`BENCH_ONLY=hf npm run bench\` (\`bench/hf.bench.ts\`): one ${mib} MiB file, ${runs} runs of each path, median; one
registry process (SQLite, local blobs) on loopback. Downloads: \`hf_hub_download\` (huggingface_hub 0.36.2, into a
fresh cache) and \`downloadFile\` (@huggingface/hub 2.17.5, streamed to a file) through \`/hf\`, against curl writing
the native download to a file. Uploads: each client's LFS path (sha256 of the file, batch, PUT, commit) against one
native PUT with curl; curl through \`/hf/…/resolve\` shows the server's cost of the Hub path apart from the clients'.
The last column compares each client with its own language reading the native API the way a user of that API puts
the file on disk (Python \`requests\` streamed in 10 MiB chunks to a file, as huggingface_hub reads; Node \`fetch\` piped
to a file): the cost of the Hub path through that client, apart from what the language's HTTP stack costs on any
download. The two are timed next to each other in each run, the first of them alternating, and the column is the
median of the per-run ratios. Every timed download starts from the same state: the earlier output deleted and the
page cache flushed (\`sync\`, untimed), since a 1 GiB file still waiting to be written slows the writes of the next. For uploads it compares with
the native resumable upload as the SDK sends a large file (sha256 first, a session, parts), the issue's reference.
Timings are taken inside each client around the call. Targets: downloads ≥ 0.9×, uploads
≥ 0.8× native. Load average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after (on ${os.cpus().length} cores).

${table}
`
    return { title: 'Hugging Face clients against the native API', summary: table, markdown, fullScale }
  } finally {
    await app.close()
    await registry.db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
