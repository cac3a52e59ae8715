// A large file goes up as parts sent in parallel: as many at once as asked (3 by default), never more.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient, unwrap } from '../src/index.js'
import { uploadFile } from '../src/node/index.js'
import { type LiveRegistry, startLiveRegistry } from './helpers/live-registry.js'
import { startPartGateProxy } from './helpers/part-gate-proxy.js'

const MiB = 1024 * 1024
const file = randomBytes(25 * MiB + 3)
let live: LiveRegistry
let work: string

beforeAll(async () => {
  live = await startLiveRegistry()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-sdk-parallel-'))
  fs.writeFileSync(path.join(work, 'weights.bin'), file)
  const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
  unwrap(await api.POST('/api/v1/models', { body: { name: 'parallel', version: '1.0.0', framework: 'onnx' } }))
})
afterAll(async () => {
  await live?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('uploadFile in parts', () => {
  it.each([
    ['the default of 3', undefined, 3],
    ['concurrency: 5', 5, 5],
  ])('sends %s parts at once, never more', async (_, concurrency, expected) => {
    const proxy = await startPartGateProxy(live.baseUrl, expected)
    try {
      const artifact = await uploadFile({
        client: { baseUrl: proxy.url, token: live.token },
        name: 'parallel',
        version: '1.0.0',
        path: `weights-${expected}.bin`,
        file: path.join(work, 'weights.bin'),
        partSize: 5 * MiB,
        singleRequestLimit: 5 * MiB,
        ...(concurrency !== undefined && { concurrency }),
      })
      expect(artifact).toMatchObject({ size: file.length, sha256: createHash('sha256').update(file).digest('hex') })
      expect(proxy.mostInFlight()).toBe(expected)
    } finally {
      await proxy.close()
    }
  })
})
