// Child processes of the transfer benchmark (registry servers, nginx, the Node pipe server, curl): started with a
// log file, stopped by pid, and all killed if the benchmark process exits early, so nothing outlives a run.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface Service {
  readonly name: string
  readonly pid: number
  readonly child: ChildProcess
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
/** Synchronous clean-ups (e.g. stopping the RGW) run when the process exits with work still registered. */
const exitHooks = new Set<() => void>()

process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL')
  for (const hook of exitHooks) hook()
})

export function onExit(hook: () => void): () => void {
  exitHooks.add(hook)
  return () => exitHooks.delete(hook)
}

/** Kills every child still running (the deadline uses this to unblock whatever is waiting on them). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL')
}

export async function freePort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Starts a long-running process with stdout and stderr in logFile, and waits until `ready()` holds. */
export async function startService(opts: {
  name: string
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  logFile: string
  ready: () => Promise<boolean>
  timeoutMs?: number
  /** Signal that stops it gracefully (nginx: SIGQUIT). */
  stopSignal?: NodeJS.Signals
}): Promise<Service> {
  const log = fs.openSync(opts.logFile, 'a')
  const child = spawn(opts.command, opts.args, { env: opts.env ?? process.env, stdio: ['ignore', log, log] })
  fs.closeSync(log)
  running.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.once('exit', () => running.delete(child))
  const service: Service = {
    name: opts.name,
    pid: child.pid ?? -1,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill(opts.stopSignal ?? 'SIGTERM')
      const stopped = await Promise.race([exited.then(() => true), sleep(15_000).then(() => false)])
      if (!stopped) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${opts.name} exited during start (${child.exitCode ?? child.signalCode}); see ${opts.logFile}`)
    }
    if (await opts.ready().catch(() => false)) return service
    if (Date.now() > deadline) {
      await service.stop()
      throw new Error(`${opts.name} did not become ready; see ${opts.logFile}`)
    }
    await sleep(100)
  }
}

export async function httpAnswers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) })
  await res.body?.cancel()
  return res.status < 500
}

export interface RunResult {
  code: number | null
  stdout: Buffer
  stderr: string
}

/**
 * Runs a short-lived command to its end (killed after timeoutMs). stdout is collected, or handed to `onStdout`
 * chunk by chunk (hashing a download as it arrives) when given.
 */
export function run(
  command: string,
  args: string[],
  opts: { timeoutMs: number; onStdout?: (chunk: Buffer) => void; env?: NodeJS.ProcessEnv; cwd?: string },
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      ...(opts.cwd !== undefined && { cwd: opts.cwd }),
    })
    running.add(child)
    const out: Buffer[] = []
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (opts.onStdout ? opts.onStdout(chunk) : out.push(chunk)))
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString()
    })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs)
    child.once('error', (e) => {
      clearTimeout(timer)
      running.delete(child)
      reject(e)
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      running.delete(child)
      resolve({ code, stdout: Buffer.concat(out), stderr: err })
    })
  })
}

/** For exit hooks: a command run synchronously, bounded. */
export function runSync(command: string, args: string[], env?: NodeJS.ProcessEnv): void {
  spawnSync(command, args, { stdio: 'ignore', timeout: 30_000, env: env ?? process.env })
}

/**
 * The built registry (`apps/server/dist/main.js`) as its own process on a free port of 127.0.0.1, with a new data dir
 * whose admin gets `adminPassword` on first start; ready once `/healthz` answers.
 */
export async function startRegistryProcess(opts: {
  name: string
  repoRoot: string
  dataDir: string
  logDir: string
  adminPassword: string
  env?: Record<string, string>
  /** Options of node itself, before the script (e.g. `--cpu-prof`, which NODE_OPTIONS does not take). */
  nodeArgs?: string[]
}): Promise<Service & { url: string }> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const service = await startService({
    name: opts.name,
    command: process.execPath,
    args: [...(opts.nodeArgs ?? []), path.join(opts.repoRoot, 'apps/server/dist/main.js')],
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      MODELREG_DATA_DIR: opts.dataDir,
      LOG_LEVEL: 'warn',
      MODELREG_ADMIN_PASSWORD: opts.adminPassword,
      ...opts.env,
    },
    logFile: path.join(opts.logDir, `${opts.name}.log`),
    ready: () => httpAnswers(`${url}/healthz`),
  })
  return { ...service, url }
}
