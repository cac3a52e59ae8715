// Blobs in process memory: the in-memory fake of the BlobStore contract, for the unit test lane (no disk, no S3).
// It holds every byte in memory, so it is never a backend for a server.
import { randomUUID } from 'node:crypto'
import { addAbortSignal, Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import {
  type BlobInfo,
  BlobMissingError,
  type BlobStore,
  type ByteRange,
  ChecksumMismatchError,
  SHA256_HEX,
  type StagedBlob,
  type StageOptions,
} from './blob-store.js'
import { HashingStream } from './hashing-stream.js'

/**
 * @example
 * const blobs = new MemoryBlobStore()
 * const staged = await blobs.stage(Readable.from([Buffer.from('hello')]), {})
 * await staged.commit() // visible under staged.info.sha256
 */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>()
  /** Staged bytes not yet committed or discarded, by stage id: the fake's temporary objects. */
  private readonly pending = new Map<string, Buffer>()

  /** Ids of staged blobs neither committed nor discarded (the contract suite expects none after each call). */
  tempObjects(): string[] {
    return [...this.pending.keys()]
  }

  async stage(body: Readable, opts: StageOptions): Promise<StagedBlob> {
    const hasher = new HashingStream(opts.maxBytes)
    const chunks: Buffer[] = []
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk)
        callback()
      },
    })
    await pipeline(body, hasher, sink, { signal: opts.signal })
    const sha256 = hasher.digest()
    if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
      throw new ChecksumMismatchError(opts.expectedSha256, sha256)
    }
    const id = randomUUID()
    const bytes = Buffer.concat(chunks)
    this.pending.set(id, bytes)
    return {
      info: { sha256, size: bytes.length },
      commit: async () => {
        if (!this.pending.delete(id)) return
        this.blobs.set(sha256, bytes)
      },
      discard: async () => {
        this.pending.delete(id)
      },
    }
  }

  async get(sha256: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const bytes = this.blobs.get(checkDigest(sha256))
    if (bytes === undefined) throw new BlobMissingError(sha256)
    const part = opts.range ? bytes.subarray(opts.range.start, opts.range.end + 1) : bytes
    const stream = Readable.from(part.length > 0 ? [part] : [])
    return opts.signal ? addAbortSignal(opts.signal, stream) : stream
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    const bytes = this.blobs.get(checkDigest(sha256))
    return bytes === undefined ? undefined : { sha256, size: bytes.length }
  }

  async delete(sha256: string): Promise<void> {
    this.blobs.delete(checkDigest(sha256))
  }
}

function checkDigest(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`)
  return sha256
}
