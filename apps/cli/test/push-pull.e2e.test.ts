// End to end: the built CLI against a real server process. A folder with nested files and a 300 MiB file is
// pushed and pulled back byte for byte; a push and a pull are SIGKILLed midway and resumed; a corrupted local
// copy is detected and repaired.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertSameTree, MiB, waitFor, writeModelFolder } from './helpers/model-folder.js'
import { type CliEnv, runCli, startCli } from './helpers/run-cli.js'
import { type ServerProcess, startServer } from './helpers/server-process.js'

const LARGE = 300 * MiB
let server: ServerProcess
let work: string
let env: CliEnv
let source: string

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-e2e-'))
  source = path.join(work, 'model')
  writeModelFolder(source, LARGE)
  server = await startServer()
  env = { configHome: path.join(work, 'config'), url: server.url, token: server.token }
  // Models live in organisations; this one is made by the site admin, as in a real setup.
  const org = await fetch(`${server.url}/api/v1/orgs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'vision' }),
  })
  expect(org.status).toBe(201)
}, 120_000)

afterAll(async () => {
  await server?.stop()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

interface FileResult {
  path: string
  size: number
  sha256: string
  outcome: string
  resumedBytes: number
}

const byPath = (files: FileResult[]) => Object.fromEntries(files.map((f) => [f.path, f]))

async function uploadSession(id: string): Promise<{ parts: { number: number; size: number }[] }> {
  const res = await fetch(`${server.url}/api/v1/uploads/${id}`, {
    headers: { authorization: `Bearer ${server.token}` },
  })
  return (await res.json()) as { parts: { number: number; size: number }[] }
}

describe('push and pull a model folder', () => {
  it('a push killed midway resumes its large file where it stopped and skips what arrived', async () => {
    const push = startCli(['push', source, 'vision/bert@1.0.0', '--framework', 'pytorch', '--json'], env)
    // The session id is written to the config dir as soon as the large upload opens; wait for two parts.
    const sessions = path.join(env.configHome, 'modelreg/upload-sessions.json')
    const id = await waitFor(() => {
      if (!fs.existsSync(sessions)) return undefined
      const entries = Object.values(JSON.parse(fs.readFileSync(sessions, 'utf8')) as Record<string, { id: string }>)
      return entries[0]?.id
    })
    await waitFor(async () => ((await uploadSession(id)).parts.length >= 2 ? true : undefined))
    push.child.kill('SIGKILL')
    const killed = await push.done
    expect(killed.signal).toBe('SIGKILL')
    const partsBefore = (await uploadSession(id)).parts
    expect(partsBefore.length).toBeLessThan(Math.ceil(LARGE / (16 * MiB)))
  }, 120_000)

  it('…and the same push run again finishes it, with plain progress lines off a terminal', async () => {
    const result = await runCli(['push', source, 'vision/bert@1.0.0', '--framework', 'pytorch'], env)
    expect(result.stderr).toContain('resuming at')
    expect(result.stderr).toMatch(/✓ weights\/model\.bin \(300\.0 MiB\): resumed and finished/)
    expect(result.stdout).toMatch(/pushed vision\/bert@1\.0\.0: .*1 resumed/)
    expect(result.code).toBe(0)

    const show = await runCli(['versions', 'show', 'vision/bert@1.0.0', '--json'], env)
    const version = JSON.parse(show.stdout) as { artifacts: { items: { path: string; size: number }[] } }
    expect(version.artifacts.items.map((a) => a.path).sort()).toEqual([
      'README.md',
      'config.json',
      'notes/empty.txt',
      'tokenizer/vocab.txt',
      'weights/model.bin',
      'weights/shards/part-0001.bin',
    ])
  }, 120_000)

  it('a second push skips every file whose sha256 the version has', async () => {
    const again = await runCli(['push', source, 'vision/bert@1.0.0', '--json'], env)
    expect(again.code).toBe(0)
    const summary = JSON.parse(again.stdout) as { created: unknown; files: FileResult[]; bytes: number }
    expect(summary.created).toBe(false)
    expect(summary.bytes).toBe(0)
    expect(new Set(summary.files.map((f) => f.outcome))).toEqual(new Set(['skipped']))
  }, 60_000)

  it('a pull killed midway resumes from its partial file; the result equals the source byte for byte', async () => {
    const dest = path.join(work, 'pulled')
    const partial = path.join(dest, 'weights/model.bin.modelreg-partial')
    const pull = startCli(['pull', 'vision/bert@latest', dest, '--json'], env)
    await waitFor(() => (fs.existsSync(partial) && fs.statSync(partial).size >= 8 * MiB ? true : undefined))
    pull.child.kill('SIGKILL')
    await pull.done
    const kept = fs.statSync(partial).size
    expect(kept).toBeLessThan(LARGE)
    expect(fs.existsSync(path.join(dest, 'weights/model.bin'))).toBe(false)

    const resumed = await runCli(['pull', 'vision/bert@latest', dest, '--json'], env)
    expect(resumed.code).toBe(0)
    const summary = JSON.parse(resumed.stdout) as { version: string; files: FileResult[] }
    expect(summary.version).toBe('1.0.0')
    const large = byPath(summary.files)['weights/model.bin']
    expect(large?.outcome).toBe('resumed')
    expect(large?.resumedBytes).toBeGreaterThanOrEqual(kept - 4 * MiB)
    expect(fs.existsSync(partial)).toBe(false)
    expect(assertSameTree(source, dest)).toHaveLength(6)
  }, 120_000)

  it('a corrupted local file is detected and downloaded again; intact files are kept', async () => {
    const dest = path.join(work, 'pulled')
    const shard = path.join(dest, 'weights/shards/part-0001.bin')
    const fd = fs.openSync(shard, 'r+')
    const byte = Buffer.alloc(1)
    fs.readSync(fd, byte, 0, 1, 1234)
    fs.writeSync(fd, Buffer.from([byte[0] === 0 ? 1 : 0]), 0, 1, 1234)
    fs.closeSync(fd)

    const result = await runCli(['pull', 'vision/bert@1.0.0', dest], env)
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('weights/shards/part-0001.bin (5.00 MiB): local copy was corrupt')
    expect(result.stdout).toMatch(/1 repaired, 5 unchanged/)
    assertSameTree(source, dest)
  }, 60_000)
})
