// End to end: `modelreg inspect` and `modelreg diff` with the built CLI against a real server process, whose own
// inspection loop (worker threads) inspects what `modelreg push` uploaded; the safety gate seen from `stage`.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { evilGlobalReduce, safetensors } from '../../server/test/helpers/model-files.js'
import { type CliEnv, type CliResult, runCli } from './helpers/run-cli.js'
import { type ServerProcess, startServer } from './helpers/server-process.js'

let server: ServerProcess
let work: string
let env: CliEnv
const model = 'default/scanned'

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T

async function push(version: string, files: Record<string, Uint8Array>) {
  const folder = path.join(work, `src-${version}`)
  fs.mkdirSync(folder, { recursive: true })
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(folder, name), bytes)
  const r = await runCli(['push', folder, `${model}@${version}`, '--framework', 'pytorch', '--json'], env)
  expect(r.code, r.stderr).toBe(0)
}

/** Runs `inspect --json` until the server's loop has inspected every file (the report says done). */
async function inspected(ref: string): Promise<CliResult> {
  for (;;) {
    const r = await runCli(['inspect', ref, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    if (json<{ status: string }>(r).status === 'done') return r
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-inspect-'))
  server = await startServer()
  env = { configHome: path.join(work, 'config'), url: server.url, token: server.token }
  await push('1.0.0', { 'model.safetensors': safetensors({ w: { dtype: 'F32', shape: [4, 4] } }) })
  await push('1.1.0', {
    'model.safetensors': safetensors({ w: { dtype: 'F16', shape: [8, 4] } }),
    'extra.pkl': evilGlobalReduce(),
  })
}, 120_000)

afterAll(async () => {
  await server?.stop()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('modelreg inspect and diff', () => {
  it('shows format, parameters and the verdict of each file', async () => {
    const r = await inspected(`${model}@1.0.0`)
    expect(json(r)).toMatchObject({
      verdict: 'safe',
      files: [{ path: 'model.safetensors', format: 'safetensors', summary: { parameters: 16, dtypes: ['F32'] } }],
    })
    const human = await runCli(['inspect', `${model}@1.0.0`], env)
    expect(human.stdout).toMatch(/verdict: safe/)
    expect(human.stdout).toMatch(/model\.safetensors\s+safetensors\s+16\s+F32\s+safe/)
  })

  it('warns about a dangerous version and names the finding', async () => {
    await inspected(`${model}@1.1.0`)
    const r = await runCli(['inspect', `${model}@1.1.0`], env)
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('warning: default/scanned@1.1.0 is dangerous')
    expect(r.stdout).toContain('extra.pkl: dangerous-global: imports os.system')
  })

  it('diffs two versions', async () => {
    await inspected(`${model}@1.1.0`)
    const r = await runCli(['diff', `${model}@1.0.0`, `${model}@1.1.0`, '--json'], env)
    expect(r.code, r.stderr).toBe(0)
    expect(json(r)).toMatchObject({
      files: { added: ['extra.pkl'], removed: [], changed: ['model.safetensors'] },
      inspection: { verdict: { from: 'safe', to: 'dangerous' }, parameters: { from: 16, to: 32, delta: 16 } },
    })
    const human = await runCli(['diff', `${model}@1.0.0`, `${model}@1.1.0`], env)
    expect(human.stdout).toContain('+ extra.pkl')
    expect(human.stdout).toContain('verdict: safe → dangerous')
    const other = await runCli(['diff', `${model}@1.0.0`, 'default/other@1.0.0'], env)
    expect(other.code).toBe(2)
  })

  it('is refused Production without an override (exit 5), and let through with one', async () => {
    await inspected(`${model}@1.1.0`)
    const refused = await runCli(['stage', `${model}@1.1.0`, 'production', '--json'], env)
    expect(refused.code).toBe(5)
    expect(JSON.parse(refused.stderr).error.code).toBe('UNSAFE_ARTIFACT')
    const allowed = await runCli(['stage', `${model}@1.1.0`, 'production', '--override', 'test fixture'], env)
    expect(allowed.code, allowed.stderr).toBe(0)
  })
})
