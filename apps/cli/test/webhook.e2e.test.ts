// End to end: `modelreg webhook create|ls|deliveries|ping|rm` with the built CLI against a real server process
// (MODELREG_WEBHOOK_ALLOW_PRIVATE=true), whose own worker delivers a push's events to a receiving server here that
// checks each signature with the secret the CLI printed once.
import { createHmac } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliEnv, type CliResult, runCli } from './helpers/run-cli.js'
import { type ServerProcess, startServer } from './helpers/server-process.js'

interface Arrival {
  event: string
  delivery: string
  signature: string
  body: string
}

let server: ServerProcess
let work: string
let env: CliEnv
let receiver: http.Server
let url: string
const arrivals: Arrival[] = []
const waits: { predicate: () => boolean; resolve: () => void }[] = []
const json = <T>(r: CliResult): T => JSON.parse(r.stdout) as T

/** Resolves once a delivery matching `predicate` has arrived. */
function arrived(predicate: (a: Arrival) => boolean): Promise<Arrival> {
  const find = () => arrivals.find(predicate)
  return new Promise((resolve) => {
    const check = () => {
      const a = find()
      if (a) resolve(a)
      return a !== undefined
    }
    if (!check()) waits.push({ predicate: check, resolve: () => {} })
  })
}

const signs = (secret: string, a: Arrival) => {
  const t = /t=(\d+)/.exec(a.signature)?.[1]
  const v1 = /v1=([0-9a-f]{64})/.exec(a.signature)?.[1]
  return v1 === createHmac('sha256', secret).update(`${t}.${a.body}`).digest('hex')
}

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-webhook-'))
  receiver = http.createServer((req, res) => {
    let body = ''
    req.on('data', (c: Buffer) => {
      body += c.toString()
    })
    req.on('end', () => {
      arrivals.push({
        event: String(req.headers['x-modelreg-event']),
        delivery: String(req.headers['x-modelreg-delivery']),
        signature: String(req.headers['x-modelreg-signature']),
        body,
      })
      res.end('ok')
      for (const w of [...waits]) if (w.predicate()) waits.splice(waits.indexOf(w), 1)
    })
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`
  server = await startServer({ env: { MODELREG_WEBHOOK_ALLOW_PRIVATE: 'true' } })
  env = { configHome: path.join(work, 'config'), url: server.url, token: server.token }
}, 120_000)

afterAll(async () => {
  await server?.stop()
  receiver?.closeAllConnections()
  await new Promise((resolve) => receiver?.close(resolve))
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('modelreg webhook', () => {
  it('creates a webhook, and the running registry delivers a push as signed events it lists', async () => {
    const created = await runCli(['webhook', 'create', url, '--events', 'version.created,stage.changed', '--json'], env)
    expect(created.code, created.stderr).toBe(0)
    const hook = json<{ id: string; secret: string; events: string[] }>(created)
    expect(hook.events).toEqual(['version.created', 'stage.changed'])
    expect(hook.secret).toMatch(/^whsec_/)

    const ls = await runCli(['webhook', 'ls'], env)
    expect(ls.code, ls.stderr).toBe(0)
    expect(ls.stdout).toContain(hook.id)
    expect(ls.stdout).toContain('version.created,stage.changed')
    expect(ls.stdout).not.toContain(hook.secret)

    const folder = path.join(work, 'model')
    fs.mkdirSync(folder)
    fs.writeFileSync(path.join(folder, 'weights.bin'), 'weights')
    const push = await runCli(['push', folder, 'default/hooked@1.0.0', '--framework', 'pytorch'], env)
    expect(push.code, push.stderr).toBe(0)
    const delivery = await arrived((a) => a.event === 'version.created')
    expect(signs(hook.secret, delivery)).toBe(true)
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'version.created', model: 'default/hooked' })

    const ping = await runCli(['webhook', 'ping', hook.id, '--json'], env)
    expect(ping.code, ping.stderr).toBe(0)
    const pinged = await arrived((a) => a.delivery === json<{ id: string }>(ping).id)
    expect(signs(hook.secret, pinged)).toBe(true)

    // The log shows both once their outcome is recorded (right after the receiver answered).
    let log: { items: { id: string; status: string }[] } = { items: [] }
    for (let i = 0; i < 50 && log.items.filter((d) => d.status === 'succeeded').length < 2; i++) {
      const r = await runCli(['webhook', 'deliveries', hook.id, '--json'], env)
      expect(r.code, r.stderr).toBe(0)
      log = json(r)
    }
    expect(log.items.map((d) => [d.id, d.status])).toEqual([
      [pinged.delivery, 'succeeded'],
      [delivery.delivery, 'succeeded'],
    ])
    const human = await runCli(['webhook', 'deliveries', hook.id], env)
    expect(human.stdout).toMatch(/ping\s+succeeded\s+1\s+200/)

    const rm = await runCli(['webhook', 'rm', hook.id], env)
    expect(rm.code, rm.stderr).toBe(0)
    expect((await runCli(['webhook', 'ls'], env)).stdout).toContain('has no webhooks yet')
  }, 90_000)

  it('refuses an unknown event type and an ftp URL with a usage error, creating nothing', async () => {
    const bad = await runCli(['webhook', 'create', url, '--events', 'version.exploded', '--json'], env)
    expect(bad.code).toBe(2)
    expect(JSON.parse(bad.stderr).error.code).toBe('VALIDATION_FAILED')
    const ftp = await runCli(['webhook', 'create', 'ftp://example.com/x', '--json'], env)
    expect(ftp.code).toBe(2)
    const missing = await runCli(['webhook', 'rm', '00000000-0000-4000-8000-000000000000'], env)
    expect(missing.code).toBe(4)
    expect(json<{ items: unknown[] }>(await runCli(['webhook', 'ls', '--json'], env)).items).toEqual([])
  }, 60_000)
})
