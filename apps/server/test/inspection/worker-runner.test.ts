// The worker thread boundary: results come back from a real worker reading ranges of a stored blob, and a
// worker past its time limit is stopped with an unscannable result instead of an error.
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { MemoryBlobStore } from '../../src/blobs/memory-blob-store.js'
import { defaultWorkerLimits, inspectInWorker } from '../../src/inspection/worker-runner.js'
import { evilGlobalReduce, torchZip } from '../helpers/model-files.js'

async function store(bytes: Uint8Array) {
  const blobs = new MemoryBlobStore()
  const staged = await blobs.stage(Readable.from([Buffer.from(bytes)]), {})
  await staged.commit()
  return { blobs, info: staged.info }
}

describe('inspection worker', () => {
  it('inspects a stored blob through ranged reads in a worker thread', async () => {
    const { blobs, info } = await store(torchZip(evilGlobalReduce()))
    const result = await inspectInWorker(blobs, { sha256: info.sha256, name: 'model.pt', size: info.size })
    expect(result.format).toBe('pytorch')
    expect(result.findings).toContainEqual(expect.objectContaining({ level: 'dangerous', code: 'dangerous-global' }))
  })

  it('stops a worker past its time limit: unscannable, not an error', async () => {
    const { blobs, info } = await store(torchZip())
    const result = await inspectInWorker(
      blobs,
      { sha256: info.sha256, name: 'model.pt', size: info.size },
      { ...defaultWorkerLimits, timeoutMs: 1 },
    )
    expect(result.findings).toEqual([expect.objectContaining({ level: 'unscannable', code: 'time-limit' })])
  })

  it('gives an unscannable result when the bytes are missing', async () => {
    const blobs = new MemoryBlobStore()
    const result = await inspectInWorker(blobs, { sha256: 'a'.repeat(64), name: 'model.pkl', size: 100 })
    expect(result.findings[0]).toMatchObject({ level: 'unscannable' })
  })
})
