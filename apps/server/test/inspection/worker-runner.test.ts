// The worker thread boundary: results come back from a real worker reading ranges of a stored blob, and a
// worker past its time limit is stopped with an unscannable result instead of an error.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { BlobStore } from '../../src/blobs/blob-store.js'
import { FsBlobStore } from '../../src/blobs/fs-blob-store.js'
import { MemoryBlobStore } from '../../src/blobs/memory-blob-store.js'
import { defaultWorkerLimits, InspectionPool, inspectInWorker } from '../../src/inspection/worker-runner.js'
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

  it('reads a blob kept in a local file in the worker, not through the store on the main thread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-worker-'))
    try {
      const local = new FsBlobStore(dir)
      const staged = await local.stage(Readable.from([Buffer.from(torchZip(evilGlobalReduce()))]), {})
      await staged.commit()
      const reads: string[] = []
      const blobs: BlobStore = {
        stage: (body, opts) => local.stage(body, opts),
        get: (sha256, opts) => {
          reads.push(sha256)
          return local.get(sha256, opts)
        },
        stat: (sha256) => local.stat(sha256),
        delete: (sha256) => local.delete(sha256),
        localPath: (sha256) => local.localPath(sha256),
      }
      const file = { sha256: staged.info.sha256, name: 'model.pt', size: staged.info.size }
      const result = await inspectInWorker(blobs, file)
      expect(result.format).toBe('pytorch')
      expect(result.findings).toContainEqual(expect.objectContaining({ level: 'dangerous', code: 'dangerous-global' }))
      expect(reads).toEqual([])
      // A file gone from under the worker is unscannable, not an error.
      await local.delete(staged.info.sha256)
      expect((await inspectInWorker(blobs, file)).findings[0]).toMatchObject({ level: 'unscannable' })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('gives an unscannable result when the bytes are missing', async () => {
    const blobs = new MemoryBlobStore()
    const result = await inspectInWorker(blobs, { sha256: 'a'.repeat(64), name: 'model.pkl', size: 100 })
    expect(result.findings[0]).toMatchObject({ level: 'unscannable' })
  })
})

describe('inspection pool', () => {
  it('runs files one after another in the same long-lived thread', async () => {
    const { blobs, info } = await store(torchZip(evilGlobalReduce()))
    const pool = new InspectionPool({ size: 1 })
    try {
      const file = { sha256: info.sha256, name: 'model.pt', size: info.size }
      const results = await Promise.all([
        pool.inspect(blobs, file),
        pool.inspect(blobs, file),
        pool.inspect(blobs, file),
      ])
      for (const r of results) expect(r.format).toBe('pytorch')
      expect(pool.threadCount).toBe(1)
    } finally {
      await pool.close()
    }
  })

  it('replaces a thread stopped at its time limit, and the next file is inspected', async () => {
    const { blobs, info } = await store(torchZip())
    const file = { sha256: info.sha256, name: 'model.pt', size: info.size }
    const pool = new InspectionPool({ size: 1, nice: 5 })
    try {
      const first = await pool.inspect(blobs, file, 1)
      expect(first.findings).toEqual([expect.objectContaining({ code: 'time-limit' })])
      expect(pool.threadCount).toBe(0)
      expect((await pool.inspect(blobs, file)).format).toBe('pytorch')
      expect(pool.threadCount).toBe(1)
    } finally {
      await pool.close()
    }
  })

  it('starts its threads ahead of the first file when warmed', async () => {
    const { blobs, info } = await store(torchZip())
    const pool = new InspectionPool({ size: 2 })
    try {
      await pool.warm()
      expect(pool.threadCount).toBe(2)
      expect((await pool.inspect(blobs, { sha256: info.sha256, name: 'model.pt', size: info.size })).format).toBe(
        'pytorch',
      )
      expect(pool.threadCount).toBe(2)
    } finally {
      await pool.close()
    }
  })

  it('ends queued files as unscannable when closed', async () => {
    const { blobs, info } = await store(torchZip())
    const pool = new InspectionPool({ size: 1 })
    const file = { sha256: info.sha256, name: 'model.pt', size: info.size }
    const pending = [pool.inspect(blobs, file), pool.inspect(blobs, file)]
    await pool.close()
    for (const r of await Promise.all(pending)) expect(r.findings[0]).toMatchObject({ level: 'unscannable' })
  })
})
