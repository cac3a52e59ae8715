// End to end: `modelreg alias ls|set|rm` and pulls by alias and by range (`@champion`, `@^1.2`) with the built
// CLI against a real server process; each pulled folder holds the files of the version the reference names.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliEnv, type CliResult, runCli } from './helpers/run-cli.js'
import { type ServerProcess, startServer } from './helpers/server-process.js'

let server: ServerProcess
let work: string
let env: CliEnv
const model = 'default/ranker'
const versions = ['1.0.0', '1.2.0', '1.3.0', '1.4.0-rc.1', '2.0.0']

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T
const jsonError = (r: CliResult) => JSON.parse(r.stderr) as { error: { code: string; exitCode: number } }

/** Pulls `ref` into a fresh folder; returns the version pulled and the text of its one file. */
async function pull(ref: string): Promise<{ version: string; text: string }> {
  const folder = path.join(work, `pulled-${Math.random().toString(36).slice(2)}`)
  const r = await runCli(['pull', ref, folder, '--json'], env)
  expect(r.code, r.stderr).toBe(0)
  return {
    version: json<{ version: string }>(r).version,
    text: fs.readFileSync(path.join(folder, 'weights.txt'), 'utf8'),
  }
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-alias-'))
  server = await startServer()
  env = { configHome: path.join(work, 'config'), url: server.url, token: server.token }
  for (const v of versions) {
    const folder = path.join(work, `src-${v}`)
    fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(path.join(folder, 'weights.txt'), `weights of ${v}`)
    const r = await runCli(['push', folder, `${model}@${v}`, '--framework', 'pytorch', '--json'], env)
    expect(r.code, r.stderr).toBe(0)
  }
}, 120_000)

afterAll(async () => {
  await server?.stop()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('alias and pull by reference', () => {
  it('sets, lists, moves and removes an alias, and pulls the version it points to', async () => {
    const set = await runCli(['alias', 'set', model, 'champion', '1.2.0', '--json'], env)
    expect(set.code, set.stderr).toBe(0)
    expect(json(set)).toMatchObject({ name: 'champion', version: '1.2.0', protected: false })
    expect(await pull(`${model}@champion`)).toEqual({ version: '1.2.0', text: 'weights of 1.2.0' })

    const moved = await runCli(['alias', 'set', model, 'champion', '1.3.0'], env)
    expect(moved.code).toBe(0)
    expect(moved.stdout).toContain('default/ranker@champion: 1.2.0 → 1.3.0')
    const ls = await runCli(['alias', 'ls', model], env)
    expect(ls.stdout).toMatch(/champion\s+1\.3\.0\s+no\s+admin/)
    expect(await pull(`${model}@champion`)).toEqual({ version: '1.3.0', text: 'weights of 1.3.0' })

    const rm = await runCli(['alias', 'rm', model, 'champion'], env)
    expect(rm.code).toBe(0)
    expect(json<{ items: unknown[] }>(await runCli(['alias', 'ls', model, '--json'], env)).items).toEqual([])
    const gone = await runCli(['pull', `${model}@champion`, path.join(work, 'none'), '--json'], env)
    expect(gone.code).toBe(4)
    expect(jsonError(gone).error.code).toBe('NOT_FOUND')
  }, 60_000)

  it('pulls the highest version a range admits, pre-releases only when the range names one', async () => {
    expect(await pull(`${model}@^1.2`)).toEqual({ version: '1.3.0', text: 'weights of 1.3.0' })
    expect(await pull(`${model}@>=1.4.0-rc.0 <2`)).toEqual({ version: '1.4.0-rc.1', text: 'weights of 1.4.0-rc.1' })
    expect((await pull(`${model}@1.x`)).version).toBe('1.3.0')
    expect((await pull(`${model}@*`)).version).toBe('2.0.0')
  }, 60_000)

  it('refuses a reserved alias name as a usage error and a bad range as one too, changing nothing', async () => {
    for (const args of [
      ['alias', 'set', model, 'production', '1.0.0', '--json'],
      ['alias', 'set', model, 'v2', '1.0.0', '--json'],
      ['pull', `${model}@^^1`, path.join(work, 'bad'), '--json'],
    ]) {
      const r = await runCli(args, env)
      expect(r.code, args.join(' ')).toBe(2)
      expect(jsonError(r).error.code).toBe('VALIDATION_FAILED')
    }
    expect(json<{ items: unknown[] }>(await runCli(['alias', 'ls', model, '--json'], env)).items).toEqual([])
  }, 60_000)
})
