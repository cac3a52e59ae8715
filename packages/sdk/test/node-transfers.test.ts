// @modelreg/sdk/node against a real registry, through a proxy that fails requests: folder upload with
// retried parts and a cut connection, download resumed with Range after a cut, sha256 checks, path safety.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient, unwrap } from '../src/index.js'
import { downloadVersion, FileSessionStore, localPathOf, type TransferEvent, uploadFolder } from '../src/node/index.js'
import { startFlakyProxy } from './helpers/flaky-proxy.js'
import { type LiveRegistry, startLiveRegistry } from './helpers/live-registry.js'

const MiB = 1024 * 1024
const fast = { minDelayMs: 5, maxDelayMs: 20 }
let live: LiveRegistry
let work: string
let source: string
const contents: Record<string, Buffer> = {
  'a.txt': Buffer.from('hello\n'),
  'nested/deeper/b.json': randomBytes(70_000),
  'empty.bin': Buffer.alloc(0),
  'weights/large.bin': randomBytes(12 * MiB + 5),
}

beforeAll(async () => {
  live = await startLiveRegistry()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-sdk-node-'))
  source = path.join(work, 'source')
  for (const [rel, bytes] of Object.entries(contents)) {
    fs.mkdirSync(path.dirname(path.join(source, rel)), { recursive: true })
    fs.writeFileSync(path.join(source, rel), bytes)
  }
  const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
  unwrap(await api.POST('/api/v1/models', { body: { name: 'transfers', version: '1.0.0', framework: 'onnx' } }))
})
afterAll(async () => {
  await live?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('uploadFolder', () => {
  it('retries parts answered 503 and a request whose connection was cut, then skips on a second run', async () => {
    let partFailures = 0
    let cut = false
    const proxy = await startFlakyProxy(live.baseUrl, (req) => {
      if (req.method === 'PUT' && req.url?.includes('/parts/') && partFailures < 2) {
        partFailures++
        return '503'
      }
      if (req.method === 'PUT' && req.url?.endsWith('/artifacts/a.txt') && !cut) {
        cut = true
        return { cutAfterBytes: 0 }
      }
      return 'pass'
    })
    const events: TransferEvent[] = []
    try {
      const result = await uploadFolder({
        client: { baseUrl: proxy.url, token: live.token },
        name: 'transfers',
        version: '1.0.0',
        folder: source,
        singleRequestLimit: 5 * MiB,
        partSize: 5 * MiB,
        retry: fast,
        sessions: new FileSessionStore(path.join(work, 'sessions.json')),
        onEvent: (e) => events.push(e),
      })
      expect(result.files.map((f) => [f.path, f.outcome, f.sha256])).toEqual(
        Object.keys(contents)
          .sort()
          .map((p) => [p, 'uploaded', sha256(contents[p] as Buffer)]),
      )
      expect(events.filter((e) => e.type === 'retry')).toHaveLength(3)
      expect(events.find((e) => e.type === 'plan')).toMatchObject({ totalBytes: 12 * MiB + 5 + 70_006 })
      const last = events.filter((e) => e.type === 'progress' && e.path === 'weights/large.bin').at(-1)
      expect(last).toMatchObject({ bytes: 12 * MiB + 5, size: 12 * MiB + 5 })
    } finally {
      await proxy.close()
    }

    const again = await uploadFolder({
      client: { baseUrl: live.baseUrl, token: live.token },
      name: 'transfers',
      version: '1.0.0',
      folder: source,
    })
    expect(again.bytes).toBe(0)
    expect(again.files.every((f) => f.outcome === 'skipped')).toBe(true)
  })
})

describe('downloadVersion', () => {
  it('resumes a download cut mid-body with a Range request and verifies every file', async () => {
    let cut = false
    const proxy = await startFlakyProxy(live.baseUrl, (req) => {
      if (req.method === 'GET' && req.url?.endsWith('/artifacts/weights/large.bin') && !cut) {
        cut = true
        return { cutAfterBytes: 3 * MiB }
      }
      return 'pass'
    })
    const dest = path.join(work, 'download')
    try {
      const result = await downloadVersion({
        client: { baseUrl: proxy.url, token: live.token },
        name: 'transfers',
        version: 'latest',
        folder: dest,
        retry: fast,
      })
      expect(result.version.version).toBe('1.0.0')
      const ranged = proxy.seen.filter((r) => r.url.endsWith('/artifacts/weights/large.bin'))
      expect(ranged.map((r) => r.range)).toEqual([undefined, expect.stringMatching(/^bytes=\d+-$/)])
      expect(Number(ranged[1]?.range?.slice(6, -1))).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
    for (const [rel, bytes] of Object.entries(contents)) {
      expect(fs.readFileSync(path.join(dest, rel)).equals(bytes), rel).toBe(true)
    }
    expect(fs.readdirSync(path.join(dest, 'weights'))).toEqual(['large.bin'])
  })

  it('replaces a corrupted file and a bad partial file, keeping intact files', async () => {
    const dest = path.join(work, 'download')
    const b = path.join(dest, 'nested/deeper/b.json')
    const damaged = Buffer.from(fs.readFileSync(b))
    damaged[10] = (damaged[10] ?? 0) ^ 0xff
    fs.writeFileSync(b, damaged)
    // A partial file with wrong bytes: resumed, found wrong at the end, downloaded again from the start.
    fs.rmSync(path.join(dest, 'weights/large.bin'))
    fs.writeFileSync(path.join(dest, 'weights/large.bin.modelreg-partial'), randomBytes(MiB))

    const result = await downloadVersion({
      client: { baseUrl: live.baseUrl, token: live.token },
      name: 'transfers',
      version: '1.0.0',
      folder: dest,
    })
    const outcomes = Object.fromEntries(result.files.map((f) => [f.path, f.outcome]))
    expect(outcomes).toEqual({
      'a.txt': 'skipped',
      'empty.bin': 'skipped',
      'nested/deeper/b.json': 'repaired',
      'weights/large.bin': 'downloaded',
    })
    for (const [rel, bytes] of Object.entries(contents)) {
      expect(fs.readFileSync(path.join(dest, rel)).equals(bytes), rel).toBe(true)
    }
  })

  it('refuses artifact paths that would land outside the folder', () => {
    expect(() => localPathOf('/tmp/x', '../etc/passwd')).toThrow(/outside/)
    expect(() => localPathOf('/tmp/x', '/abs')).toThrow(/outside/)
    expect(localPathOf('/tmp/x', 'a/b.bin')).toBe(path.join('/tmp/x', 'a', 'b.bin'))
  })
})
