// End to end, the traps a newcomer hit with the built CLI against a real server process (issue 15): a failure
// that printed nothing, Ctrl-C that crashed, a push that changed the registry before finding its folder missing,
// errors naming API fields instead of flags, new versions that started empty, and no --status on models create.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MiB, waitFor, writeModelFolder } from './helpers/model-folder.js'
import { type CliEnv, type CliResult, runCli, startCli } from './helpers/run-cli.js'
import { type ServerProcess, startServer } from './helpers/server-process.js'

let server: ServerProcess
let work: string
let env: CliEnv

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-newcomer-'))
  server = await startServer()
  env = { configHome: path.join(work, 'config'), url: server.url, token: server.token }
}, 60_000)

afterAll(async () => {
  await server?.stop()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T
const jsonError = (r: CliResult) =>
  JSON.parse(r.stderr) as { error: { code: string; message: string; hint?: string; exitCode: number } }

async function api<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${server.url}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: res.status, body: (await res.json()) as T }
}

const versionsOf = async (model: string) =>
  (await api<{ items: { version: string }[] }>('GET', `/api/v1/models/default/${model}/versions`)).body.items.map(
    (v) => v.version,
  )

describe('every failure prints a message', () => {
  it('a stage the CLI does not know: exit 2 with a message naming the stages, in text and in --json', async () => {
    expect((await runCli(['models', 'create', 'staged@1.1.0', '--framework', 'onnx'], env)).code).toBe(0)
    const text = await runCli(['stage', 'staged@1.1.0', 'prod'], env)
    expect(text.code).toBe(2)
    expect(text.stderr).toContain('"prod" is not a stage')
    expect(text.stderr).toContain('production')
    const asJson = await runCli(['stage', 'staged@1.1.0', 'prod', '--json'], env)
    expect(asJson.code).toBe(2)
    expect(jsonError(asJson).error).toMatchObject({ code: 'USAGE', exitCode: 2 })
    expect(jsonError(asJson).error.message).toContain('"prod" is not a stage')
  })

  it('a usage error found by the parser is JSON on stderr with --json, not text', async () => {
    const r = await runCli(['models', 'frobnicate', '--json'], env)
    expect(r.code).toBe(2)
    expect(jsonError(r).error).toMatchObject({ code: 'USAGE', exitCode: 2 })
    expect(jsonError(r).error.message).toContain('frobnicate')
    const missing = await runCli(['models', 'create', 'x', '--json'], env)
    expect(missing.code).toBe(2)
    expect(jsonError(missing).error.message).toContain('--framework')
  })
})

describe('push checks its inputs before it changes anything', () => {
  it('a folder that does not exist: exit 2, and the version is not created', async () => {
    expect((await runCli(['models', 'create', 'pushcheck@1.0.0', '--framework', 'onnx'], env)).code).toBe(0)
    const missing = path.join(work, 'no/such/dir')
    const r = await runCli(['push', missing, 'pushcheck@1.5.0'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain(missing)
    expect(await versionsOf('pushcheck')).toEqual(['1.0.0'])
  })

  it('an empty folder or a file instead of a folder: refused, nothing created', async () => {
    const empty = path.join(work, 'empty')
    fs.mkdirSync(empty)
    const r = await runCli(['push', empty, 'pushcheck@1.6.0', '--json'], env)
    expect(r.code).toBe(2)
    expect(jsonError(r).error.message).toContain('no files')
    const file = path.join(work, 'a-file.txt')
    fs.writeFileSync(file, 'x')
    const f = await runCli(['push', file, 'brand-new@1.0.0', '--framework', 'onnx'], env)
    expect(f.code).toBe(2)
    expect(f.stderr).toContain('is not a folder')
    expect(await versionsOf('pushcheck')).toEqual(['1.0.0'])
    expect((await api('GET', '/api/v1/models/default/brand-new')).status).toBe(404)
  })

  it('--framework others without --framework-other: refused before the model is created', async () => {
    const folder = path.join(work, 'small')
    fs.mkdirSync(folder)
    fs.writeFileSync(path.join(folder, 'model.bin'), 'weights')
    const r = await runCli(['push', folder, 'other-fw@1.0.0', '--framework', 'others'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--framework-other')
    expect((await api('GET', '/api/v1/models/default/other-fw')).status).toBe(404)
  })
})

describe('errors name the flags the user typed', () => {
  it('the registry refusing --framework others without --framework-other names both flags', async () => {
    const r = await runCli(['models', 'create', 'xgb', '--framework', 'others'], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--framework-other is required when --framework is "others"')
    expect(r.stderr).not.toContain('frameworkOther')
    const asJson = await runCli(['models', 'create', 'xgb', '--framework', 'others', '--json'], env)
    expect(jsonError(asJson).error.message).toBe('--framework-other is required when --framework is "others"')
  })

  it('a schema error on a field names its flag', async () => {
    const r = await runCli(['versions', 'create', 'pushcheck@1.7.0', '--author', 'a'.repeat(300)], env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/modelreg: --author: must not have more than 200 characters/)
  })
})

describe('a new version starts from the latest one, as in the web UI', () => {
  it('versions create and push carry description, tags, author and license; flags override; --no-carry starts empty', async () => {
    const created = await runCli(
      [
        'models',
        'create',
        'carry@1.0.0',
        '--framework',
        'pytorch',
        '--description',
        'ResNet on ImageNet',
        '--tag',
        'vision,imagenet',
        '--author',
        'ML Team',
        '--license',
        'others',
        '--license-other',
        'CC-BY-4.0',
        '--metric',
        'acc=0.7',
      ],
      env,
    )
    expect(created.code, created.stderr).toBe(0)
    const carried = {
      description: 'ResNet on ImageNet',
      tags: ['vision', 'imagenet'],
      author: 'ML Team',
      license: 'others',
      licenseOther: 'CC-BY-4.0',
    }

    const v11 = await runCli(['versions', 'create', 'carry@1.1.0', '--json'], env)
    expect(v11.code, v11.stderr).toBe(0)
    expect(json<object>(v11)).toMatchObject({ ...carried, metrics: {}, status: 'draft' })

    const folder = path.join(work, 'carry-files')
    fs.mkdirSync(folder)
    fs.writeFileSync(path.join(folder, 'model.bin'), 'weights')
    const pushed = await runCli(['push', folder, 'carry@1.2.0', '--json'], env)
    expect(pushed.code, pushed.stderr).toBe(0)
    const v12 = await runCli(['versions', 'show', 'carry@1.2.0', '--json'], env)
    expect(json<object>(v12)).toMatchObject(carried)

    const overridden = await runCli(
      ['versions', 'create', 'carry@1.3.0', '--tag', 'nlp', '--license', 'mit', '--json'],
      env,
    )
    expect(overridden.code, overridden.stderr).toBe(0)
    expect(json<object>(overridden)).toMatchObject({
      description: 'ResNet on ImageNet',
      tags: ['nlp'],
      author: 'ML Team',
      license: 'mit',
      licenseOther: null,
    })

    const fresh = await runCli(['versions', 'create', 'carry@1.4.0', '--no-carry', '--json'], env)
    expect(fresh.code, fresh.stderr).toBe(0)
    expect(json<object>(fresh)).toMatchObject({ description: '', tags: [], author: '', license: null })
  })
})

describe('models create --status', () => {
  it('sets the status of the first version', async () => {
    const r = await runCli(
      ['models', 'create', 'trainee', '--framework', 'onnx', '--status', 'training', '--json'],
      env,
    )
    expect(r.code, r.stderr).toBe(0)
    expect(json<{ latestVersion: { status: string } }>(r).latestVersion.status).toBe('training')
    const bad = await runCli(['models', 'create', 'trainee2', '--framework', 'onnx', '--status', 'sleeping'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('sleeping')
  })
})

describe('Ctrl-C during a push', () => {
  it('prints "interrupted" and exits 130, without a crash; the same push resumes', async () => {
    const folder = path.join(work, 'large')
    writeModelFolder(folder, 96 * MiB)
    // -j 1: parts wait in the limiter, so parts start after the abort (that path crashed with an unhandled AbortError).
    const push = startCli(['push', folder, 'ctrlc@1.0.0', '--framework', 'pytorch', '-j', '1'], env)
    const sessions = path.join(env.configHome, 'modelreg/upload-sessions.json')
    const id = await waitFor(() => {
      if (!fs.existsSync(sessions)) return undefined
      const entries = Object.values(JSON.parse(fs.readFileSync(sessions, 'utf8')) as Record<string, { id: string }>)
      return entries[0]?.id
    })
    // Interrupt while parts are in flight: once the first has arrived.
    await waitFor(async () => {
      const s = await api<{ parts: unknown[] }>('GET', `/api/v1/uploads/${id}`)
      return s.body.parts.length >= 1 ? true : undefined
    })
    push.child.kill('SIGINT')
    const r = await push.done
    expect(r.stderr).toContain('interrupted')
    expect(r.stderr).not.toMatch(/AbortError|at .*\.js:\d+/)
    expect(r.code).toBe(130)

    const again = await runCli(['push', folder, 'ctrlc@1.0.0', '--json'], env)
    expect(again.code, again.stderr).toBe(0)
  }, 120_000)

  it('…and during a pull the same: "interrupted", exit 130', async () => {
    const dest = path.join(work, 'pulled')
    const partial = path.join(dest, 'weights/model.bin.modelreg-partial')
    const pull = startCli(['pull', 'ctrlc@1.0.0', dest, '-j', '1'], env)
    await waitFor(() => (fs.existsSync(partial) && fs.statSync(partial).size > 0 ? true : undefined))
    pull.child.kill('SIGINT')
    const r = await pull.done
    expect(r.stderr).toContain('interrupted')
    expect(r.stderr).not.toMatch(/AbortError|at .*\.js:\d+/)
    expect(r.code).toBe(130)
  }, 120_000)
})
