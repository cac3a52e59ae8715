// Blobs in a local directory: blobs/sha256/ab/cd/<digest>, written to tmp/ first and renamed into place.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  type BlobInfo,
  type BlobStore,
  type ByteRange,
  ChecksumMismatchError,
  SHA256_HEX,
  type StagedBlob,
  type StageOptions,
} from './blob-store.js'
import { HashingStream, STREAM_BUFFER } from './hashing-stream.js'

export class FsBlobStore implements BlobStore {
  readonly tmpDir: string
  private readonly blobDir: string

  constructor(root: string) {
    this.tmpDir = path.join(root, 'tmp')
    this.blobDir = path.join(root, 'blobs', 'sha256')
    fs.mkdirSync(this.tmpDir, { recursive: true })
    fs.mkdirSync(this.blobDir, { recursive: true })
  }

  pathOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`)
    return path.join(this.blobDir, sha256.slice(0, 2), sha256.slice(2, 4), sha256)
  }

  async stage(body: Readable, opts: StageOptions): Promise<StagedBlob> {
    const tmp = path.join(this.tmpDir, randomUUID())
    const hasher = new HashingStream(opts.maxBytes)
    try {
      const out = fs.createWriteStream(tmp, { highWaterMark: STREAM_BUFFER, flags: 'wx' })
      await pipeline(body, hasher, out, { signal: opts.signal })
      const sha256 = hasher.digest()
      if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(opts.expectedSha256, sha256)
      }
      return this.staged(tmp, { sha256, size: hasher.bytesSeen })
    } catch (err) {
      await fsp.rm(tmp, { force: true })
      throw err
    }
  }

  private staged(tmp: string, info: BlobInfo): StagedBlob {
    let committed = false
    return {
      info,
      commit: async () => {
        if (committed) return
        const final = this.pathOf(info.sha256)
        await fsp.mkdir(path.dirname(final), { recursive: true })
        // Durable before visible: flush the bytes, then rename atomically over any existing copy.
        const handle = await fsp.open(tmp, 'r')
        try {
          await handle.sync()
        } finally {
          await handle.close()
        }
        await fsp.rename(tmp, final)
        committed = true
      },
      discard: async () => {
        if (!committed) await fsp.rm(tmp, { force: true })
      },
    }
  }

  async get(sha256: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const file = this.pathOf(sha256)
    const handle = await fsp.open(file, 'r')
    return handle.createReadStream({
      start: opts.range?.start,
      end: opts.range?.end,
      highWaterMark: STREAM_BUFFER,
      signal: opts.signal,
    })
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    try {
      const s = await fsp.stat(this.pathOf(sha256))
      return { sha256, size: s.size }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw err
    }
  }

  async delete(sha256: string): Promise<void> {
    await fsp.rm(this.pathOf(sha256), { force: true })
  }
}
