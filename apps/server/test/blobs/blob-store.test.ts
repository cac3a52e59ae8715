// One suite, every backend: the local directory, S3 (a real Ceph RGW) and the in-memory fake (whose behaviour the
// unit lane's service tests rely on). The unit lane (no RGW) runs it on fs and memory only.
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BlobMissingError, type BlobStore, ChecksumMismatchError, SizeLimitError } from '../../src/blobs/blob-store.js'
import { FsBlobStore } from '../../src/blobs/fs-blob-store.js'
import { MemoryBlobStore } from '../../src/blobs/memory-blob-store.js'
import { unitLane } from '../helpers/registry.js'
import { openTestBucket } from '../helpers/s3.js'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of s) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

interface Backend {
  store: BlobStore
  /** Temporary objects left behind (must always be none after a call returns). */
  leftovers(): Promise<string[]>
  close(): Promise<void>
}

const backends: Record<string, () => Promise<Backend>> = {
  fs: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-blobs-'))
    const store = new FsBlobStore(dir)
    return {
      store,
      leftovers: async () => fs.readdirSync(store.tmpDir),
      close: async () => fs.rmSync(dir, { recursive: true, force: true }),
    }
  },
  s3: async () => {
    const bucket = await openTestBucket({ partSize: 5 * 1024 * 1024, multipartCopyThreshold: 6 * 1024 * 1024 })
    return { store: bucket.store, leftovers: () => bucket.keys('tmp/'), close: bucket.close }
  },
  memory: async () => {
    const store = new MemoryBlobStore()
    return { store, leftovers: async () => store.tempObjects(), close: async () => undefined }
  },
}

describe.each(Object.keys(backends).filter((kind) => !(unitLane && kind === 's3')))('%s blob store', (kind) => {
  let b: Backend
  beforeAll(async () => {
    b = await (backends[kind] as () => Promise<Backend>)()
  })
  afterAll(async () => {
    await b?.close()
  })

  async function put(bytes: Buffer) {
    const staged = await b.store.stage(Readable.from([bytes]), {})
    await staged.commit()
    await staged.discard()
    return staged.info
  }

  it('stores bytes under their digest, visible only after commit', async () => {
    const bytes = randomBytes(100_000)
    const staged = await b.store.stage(Readable.from([bytes]), { expectedSha256: sha(bytes) })
    expect(staged.info).toEqual({ sha256: sha(bytes), size: bytes.length })
    expect(await b.store.stat(sha(bytes))).toBeUndefined()
    await staged.commit()
    await staged.commit()
    await staged.discard()
    expect(await b.store.stat(sha(bytes))).toEqual({ sha256: sha(bytes), size: bytes.length })
    expect((await readAll(await b.store.get(sha(bytes)))).equals(bytes)).toBe(true)
    expect(await b.leftovers()).toEqual([])
  })

  it('reads byte ranges', async () => {
    const bytes = randomBytes(10_000)
    await put(bytes)
    const part = await readAll(await b.store.get(sha(bytes), { range: { start: 100, end: 199 } }))
    expect(part.equals(bytes.subarray(100, 200))).toBe(true)
    const last = await readAll(await b.store.get(sha(bytes), { range: { start: 9999, end: 9999 } }))
    expect(last.equals(bytes.subarray(9999))).toBe(true)
  })

  it('stores an empty blob', async () => {
    const info = await put(Buffer.alloc(0))
    expect(info.size).toBe(0)
    expect((await readAll(await b.store.get(info.sha256))).length).toBe(0)
  })

  it('refuses a digest mismatch and keeps nothing', async () => {
    const bytes = randomBytes(5000)
    await expect(
      b.store.stage(Readable.from([bytes]), { expectedSha256: sha(Buffer.from('x')) }),
    ).rejects.toBeInstanceOf(ChecksumMismatchError)
    expect(await b.store.stat(sha(bytes))).toBeUndefined()
    expect(await b.leftovers()).toEqual([])
  })

  it('stops at the size limit and keeps nothing', async () => {
    await expect(b.store.stage(Readable.from([randomBytes(2000)]), { maxBytes: 1000 })).rejects.toBeInstanceOf(
      SizeLimitError,
    )
    expect(await b.leftovers()).toEqual([])
  })

  it('keeps nothing of a body that breaks off mid-stream', async () => {
    const body = new PassThrough()
    const staging = b.store.stage(body, {})
    body.write(randomBytes(64 * 1024))
    setTimeout(() => body.destroy(new Error('client went away')), 20)
    await expect(staging).rejects.toThrow(/client went away/)
    expect(await b.leftovers()).toEqual([])
  })

  it('discards a staged blob that is not committed', async () => {
    const bytes = randomBytes(1000)
    const staged = await b.store.stage(Readable.from([bytes]), {})
    await staged.discard()
    expect(await b.store.stat(sha(bytes))).toBeUndefined()
    expect(await b.leftovers()).toEqual([])
  })

  it('deletes, and a later write of the same bytes brings them back', async () => {
    const bytes = randomBytes(3000)
    await put(bytes)
    await b.store.delete(sha(bytes))
    expect(await b.store.stat(sha(bytes))).toBeUndefined()
    await put(bytes)
    expect((await readAll(await b.store.get(sha(bytes)))).equals(bytes)).toBe(true)
  })

  it('rejects a read of missing bytes with BlobMissingError, whole or ranged; stat answers undefined', async () => {
    const bytes = randomBytes(2000)
    await put(bytes)
    await b.store.delete(sha(bytes)) // as if deleted behind the registry's back
    const never = sha(randomBytes(16))
    for (const digest of [sha(bytes), never]) {
      expect(await b.store.stat(digest)).toBeUndefined()
      await expect(b.store.get(digest)).rejects.toBeInstanceOf(BlobMissingError)
      await expect(b.store.get(digest, { range: { start: 10, end: 99 } })).rejects.toMatchObject({
        name: 'BlobMissingError',
        sha256: digest,
      })
    }
  })

  it('streams a multi-part object in and copies it into place in parts', async () => {
    const bytes = randomBytes(13 * 1024 * 1024)
    const chunks = Array.from({ length: 13 }, (_, i) => bytes.subarray(i * 1024 * 1024, (i + 1) * 1024 * 1024))
    const info = await (async () => {
      const staged = await b.store.stage(Readable.from(chunks), { expectedSha256: sha(bytes) })
      await staged.commit()
      return staged.info
    })()
    expect(info.size).toBe(bytes.length)
    expect(sha(await readAll(await b.store.get(info.sha256)))).toBe(sha(bytes))
    expect(await b.leftovers()).toEqual([])
  })
})
