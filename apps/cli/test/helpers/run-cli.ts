// Runs the built CLI (apps/cli/bin/modelreg.js) as a child process, with its own config dir.
import { type ChildProcess, spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { repoRoot } from './server-process.js'

const bin = path.join(repoRoot, 'apps/cli/bin/modelreg.js')

export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface CliEnv {
  /** XDG_CONFIG_HOME of the run: where login writes and push keeps its upload sessions. */
  configHome: string
  url?: string
  token?: string
  cwd?: string
}

export function startCli(args: string[], env: CliEnv, input = ''): { child: ChildProcess; done: Promise<CliResult> } {
  if (!fs.existsSync(path.join(repoRoot, 'apps/cli/dist/cli.js'))) {
    throw new Error('apps/cli/dist/cli.js is missing: run `npm run build` first')
  }
  const childEnv: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: env.configHome }
  delete childEnv.MODELREG_URL
  delete childEnv.MODELREG_TOKEN
  if (env.url) childEnv.MODELREG_URL = env.url
  if (env.token) childEnv.MODELREG_TOKEN = env.token
  const child = spawn(process.execPath, [bin, ...args], {
    env: childEnv,
    cwd: env.cwd ?? repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
  })
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString()
  })
  child.stdin?.end(input)
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done }
}

export function runCli(args: string[], env: CliEnv, input?: string): Promise<CliResult> {
  return startCli(args, env, input).done
}
