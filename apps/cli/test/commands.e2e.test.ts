// End to end: login, whoami and the model, version, stage and deployment commands of the built CLI against a
// real server process; --json output, exit codes and the messages of common mistakes.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliEnv, type CliResult, runCli } from './helpers/run-cli.js'
import { type ServerProcess, startServer } from './helpers/server-process.js'

let server: ServerProcess
let work: string
let env: CliEnv

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-commands-'))
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

describe('login and whoami', () => {
  it('refuses a wrong token (exit 3) and writes nothing', async () => {
    const home = path.join(work, 'login-wrong')
    const r = await runCli(['login', '--url', server.url, '--token-stdin'], { configHome: home }, 'mrt_wrong\n')
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('token')
    expect(fs.existsSync(path.join(home, 'modelreg/config.json'))).toBe(false)
  })

  it('stores URL and token in a 0600 file that later commands use', async () => {
    const home = path.join(work, 'login-ok')
    const r = await runCli(
      ['login', '--url', server.url, '--token-stdin', '--json'],
      { configHome: home },
      server.token,
    )
    expect(r.code).toBe(0)
    const file = path.join(home, 'modelreg/config.json')
    expect(json<{ configFile: string; username: string }>(r)).toMatchObject({ configFile: file, username: 'admin' })
    expect(fs.statSync(file).mode & 0o777).toBe(0o600)
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({ url: server.url, token: server.token })

    const who = await runCli(['whoami'], { configHome: home })
    expect(who.code).toBe(0)
    expect(who.stdout).toMatch(/user:\s+admin/)
    // MODELREG_TOKEN overrides the stored token.
    const wrong = await runCli(['whoami', '--json'], { configHome: home, token: 'mrt_nope' })
    expect(wrong.code).toBe(3)
    expect(jsonError(wrong).error).toMatchObject({ code: 'UNAUTHENTICATED', exitCode: 3 })
    expect(jsonError(wrong).error.hint).toContain('MODELREG_TOKEN')
  })

  it('says how to log in when there is no token (exit 3)', async () => {
    const r = await runCli(['models', 'ls'], { configHome: path.join(work, 'nobody'), url: server.url })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('modelreg login')
  })
})

describe('models, versions, stages and deployments', () => {
  it('creates, lists, shows and edits a model', async () => {
    const created = await runCli(
      [
        'models',
        'create',
        'sentiment@1.0.0',
        '--framework',
        'onnx',
        '--tag',
        'nlp,text',
        '--metric',
        'f1=0.91',
        '--json',
      ],
      env,
    )
    expect(created.code).toBe(0)
    expect(json<{ org: string; name: string }>(created)).toMatchObject({ org: 'default', name: 'sentiment' })

    const list = await runCli(['models', 'ls', '-q', 'senti', '--json'], env)
    expect(json<{ items: { name: string }[] }>(list).items.map((m) => m.name)).toEqual(['sentiment'])
    const table = await runCli(['models', 'ls'], env)
    expect(table.stdout).toMatch(/default\/sentiment\s+1\.0\.0\s+onnx/)

    const edited = await runCli(['models', 'edit', 'default/sentiment', '--task-type', 'classification', '--json'], env)
    expect(json<{ taskType: string }>(edited).taskType).toBe('classification')
    const shown = await runCli(['models', 'show', 'sentiment'], env)
    expect(shown.stdout).toMatch(/task type:\s+classification/)
  })

  it('refuses an existing version with exit 5 and names the next free one', async () => {
    const r = await runCli(['versions', 'create', 'sentiment@1.0.0'], env)
    expect(r.code).toBe(5)
    expect(r.stderr).toContain('version 1.0.0 already exists; next free minor is 1.1.0')
    const asJson = await runCli(['versions', 'create', 'sentiment@1.0.0', '--json'], env)
    expect(jsonError(asJson).error).toMatchObject({ code: 'ALREADY_EXISTS', exitCode: 5 })
  })

  it('answers an unknown model with exit 4', async () => {
    const show = await runCli(['models', 'show', 'no-such-model'], env)
    expect(show.code).toBe(4)
    expect(show.stderr).toContain('model "default/no-such-model" not found')
    const pull = await runCli(['pull', 'no-such-model@1.0.0', path.join(work, 'x'), '--json'], env)
    expect(pull.code).toBe(4)
    expect(jsonError(pull).error.code).toBe('NOT_FOUND')
    const push = await runCli(['push', work, 'no-such-model@1.0.0'], env)
    expect(push.code).toBe(4)
    expect(push.stderr).toContain('--framework')
  })

  it('creates and lists versions; latest resolves to the highest', async () => {
    const created = await runCli(['versions', 'create', 'sentiment@1.1.0', '--metric', 'f1=0.93', '--json'], env)
    expect(created.code).toBe(0)
    const list = await runCli(['versions', 'ls', 'sentiment', '--json'], env)
    expect(json<{ items: { version: string }[] }>(list).items.map((v) => v.version)).toEqual(['1.1.0', '1.0.0'])
    const latest = await runCli(['versions', 'show', 'default/sentiment@latest', '--json'], env)
    expect(json<{ version: string; metrics: object }>(latest)).toMatchObject({
      version: '1.1.0',
      metrics: { f1: 0.93 },
    })
  })

  it('moves a version to production, deploys it, refuses to delete it while deployed, undeploys', async () => {
    const staged = await runCli(['stage', 'sentiment@1.1.0', 'production', '--comment', 'better f1', '--json'], env)
    expect(json<{ transition: { to: string; comment: string } }>(staged).transition).toMatchObject({
      to: 'production',
      comment: 'better f1',
    })
    const deployed = await runCli(['deploy', 'sentiment@1.1.0', '--env', 'prod', '--json'], env)
    expect(json<{ status: string; environment: string }>(deployed)).toMatchObject({
      status: 'active',
      environment: 'prod',
    })

    const refused = await runCli(['models', 'delete', 'sentiment', '--yes'], env)
    expect(refused.code).toBe(5)
    expect(refused.stderr).toContain('modelreg undeploy')

    const stopped = await runCli(['undeploy', 'sentiment@1.1.0', '--env', 'prod', '--json'], env)
    expect(json<{ status: string }>(stopped).status).toBe('stopped')
    const deleted = await runCli(['models', 'delete', 'sentiment', '--yes', '--json'], env)
    expect(json<{ deleted: string }>(deleted).deleted).toBe('default/sentiment')
  })
})

describe('usage', () => {
  it('answers bad references and unknown commands with exit 2', async () => {
    const noVersion = await runCli(['push', work, 'sentiment'], env)
    expect(noVersion.code).toBe(2)
    expect(noVersion.stderr).toContain('needs an exact version')
    expect((await runCli(['models', 'frobnicate'], env)).code).toBe(2)
    expect((await runCli(['stage', 'a@1.0.0', 'heaven'], env)).code).toBe(2)
  })

  it('prints help with examples (exit 0)', async () => {
    const help = await runCli(['push', '--help'], env)
    expect(help.code).toBe(0)
    expect(help.stdout).toContain('Examples:')
  })

  it('reports an unreachable registry with exit 6', async () => {
    const r = await runCli(['models', 'ls'], { ...env, url: 'http://127.0.0.1:1' })
    expect(r.code).toBe(6)
    expect(r.stderr).toContain('cannot reach the registry')
  })
})
