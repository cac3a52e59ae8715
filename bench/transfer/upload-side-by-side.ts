// Uploads side by side, for finding what an API PUT costs beyond the minimal Node server: the same file sent with
// curl to the registry (local blob store) and to bench/transfer/node-pipe-server.ts in turn, a few rounds per size.
//   npx tsx bench/transfer/upload-side-by-side.ts [MiB ...]        (default: 512 1024 4096)
// Knobs: UPLOAD_ROUNDS (3), UPLOAD_DIR (temp dir parent), UPLOAD_KEEP=1 (keep the data dirs and logs),
// UPLOAD_REGISTRY_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), UPLOAD_NODE_ARGS (the same for the minimal server), UPLOAD_SKIP_BUILD=1,
// UPLOAD_STRACE=1 (attach `strace -c -f` to both servers, the summaries in the logs dir; UPLOAD_STRACE_ARGS replaces
// `-c`, e.g. "-tt -T --seccomp-bpf -e trace=fsync,rename,writev" for a timeline).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { api, curlPut, MiB, opensslSha256, signIn } from './client.js'
import { freePort, httpAnswers, run, type Service, startRegistryProcess, startService } from './processes.js'
import { writeRandomFile } from './random-file.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const sizes = process.argv.slice(2).map(Number)
const rounds = Number(process.env.UPLOAD_ROUNDS ?? 3)
const strace = process.env.UPLOAD_STRACE === '1'

/** CPU seconds (user, system) a process has used so far: a cost the machine's load does not change much. */
function cpuSeconds(pid: number): { user: number; sys: number } {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  const tick = 100
  return { user: Number(fields[11]) / tick, sys: Number(fields[12]) / tick }
}

async function measured<T>(pid: number, work: () => Promise<T>): Promise<T & { cpu: string }> {
  const a = cpuSeconds(pid)
  const result = await work()
  const b = cpuSeconds(pid)
  return { ...result, cpu: `cpu ${(b.user - a.user).toFixed(2)}u+${(b.sys - a.sys).toFixed(2)}s` }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(process.env.UPLOAD_DIR ?? os.tmpdir(), 'modelreg-upload-'))
  const logDir = path.join(work, 'logs')
  fs.mkdirSync(logDir)
  const services: Service[] = []
  try {
    if (process.env.UPLOAD_SKIP_BUILD !== '1') {
      const built = await run('npx', ['tsc', '-b', path.join(repoRoot, 'apps/server')], { timeoutMs: 300_000 })
      if (built.code !== 0) throw new Error(`tsc -b failed:\n${built.stdout}${built.stderr}`)
    }
    const nodeOptions = process.env.UPLOAD_REGISTRY_NODE_ARGS
    const registry = await startRegistryProcess({
      name: 'registry',
      repoRoot,
      dataDir: path.join(work, 'data'),
      logDir,
      adminPassword: 'upload-bench-admin',
      nodeArgs: nodeOptions?.split(' ').filter(Boolean),
    })
    services.push(registry)
    const pipeRoot = path.join(work, 'pipe', 'root')
    fs.mkdirSync(pipeRoot, { recursive: true })
    const port = await freePort()
    const nodeArgs = [
      ...(process.env.UPLOAD_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      '--import',
      'tsx',
      path.join(repoRoot, 'bench/transfer/node-pipe-server.ts'),
      pipeRoot,
      `${port}`,
    ]
    const bare = await startService({
      name: 'node-pipe',
      command: process.execPath,
      args: nodeArgs,
      logFile: path.join(logDir, 'node-pipe.log'),
      ready: () => httpAnswers(`http://127.0.0.1:${port}/`),
    })
    services.push(bare)
    // Attached once both are up (their start-up is not what is measured), detached (SIGINT) before they stop.
    for (const traced of strace ? [registry, bare] : []) {
      const tracer = await startService({
        name: `strace-${traced.name}`,
        command: 'strace',
        args: [
          ...(process.env.UPLOAD_STRACE_ARGS?.split(' ').filter(Boolean) ?? ['-c']),
          '-f',
          '-p',
          String(traced.pid),
          '-o',
          path.join(logDir, `strace-${traced.name}.txt`),
        ],
        logFile: path.join(logDir, `strace-${traced.name}.log`),
        ready: async () => true,
        stopSignal: 'SIGINT',
      })
      services.unshift(tracer)
    }
    const auth = await signIn(registry.url, 'admin', 'upload-bench-admin')
    await api('POST', `${registry.url}/api/v1/models`, { name: 'upload-bench', framework: 'pytorch' }, auth)
    const versionUrl = `${registry.url}/api/v1/models/default/upload-bench/versions/1.0.0`

    for (const mib of sizes.length > 0 ? sizes : [512, 1024, 4096]) {
      const file = path.join(work, `file-${mib}.bin`)
      await writeRandomFile(file, mib * MiB)
      const { sha256 } = await opensslSha256(file, 600)
      const timeout = Math.max(120, mib / 5)
      const api: number[] = []
      const node: number[] = []
      for (let r = 1; r <= rounds; r++) {
        const put = await measured(registry.pid, () =>
          curlPut(
            `${versionUrl}/artifacts/${mib}/put-${r}.bin`,
            file,
            { 'x-checksum-sha256': sha256, 'content-type': 'application/octet-stream', ...auth },
            timeout,
          ),
        )
        if (put.status !== 201) throw new Error(`API PUT: ${put.status} ${put.body}`)
        api.push(mib / put.seconds)
        const b = await measured(bare.pid, () => curlPut(`http://127.0.0.1:${port}/upload.bin`, file, {}, timeout))
        if (b.status !== 201 || !b.body?.includes(sha256)) throw new Error(`node PUT: ${b.status} ${b.body}`)
        node.push(mib / b.seconds)
        console.log(
          `${mib} MiB round ${r}: API ${(mib / put.seconds).toFixed(0)} MiB/s, node ${(mib / b.seconds).toFixed(0)} MiB/s, ratio ${(b.seconds / put.seconds).toFixed(2)}; API ${put.cpu}, node ${b.cpu}`,
        )
      }
      console.log(
        `${mib} MiB median: API ${median(api).toFixed(0)}, node ${median(node).toFixed(0)}, ratio ${(median(api) / median(node)).toFixed(2)}`,
      )
      fs.rmSync(file)
    }
  } finally {
    for (const s of services) await s.stop().catch(() => undefined)
    if (process.env.UPLOAD_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true })
    else console.log(`kept ${work}`)
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
