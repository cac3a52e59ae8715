// A BlobStore around another that counts the storage's own failures by operation, for /metrics. A refusal of the
// client's bytes (wrong checksum, over the size limit) and a client that went away are not storage failures.
import type { Readable } from 'node:stream'
import {
  type BlobInfo,
  type BlobStore,
  type ByteRange,
  ChecksumMismatchError,
  type PresignOptions,
  SizeLimitError,
  type StagedBlob,
  type StageOptions,
} from './blob-store.js'

const CLIENT_GONE = new Set(['ABORT_ERR', 'ECONNRESET', 'ERR_STREAM_PREMATURE_CLOSE'])

export class ErrorCountingBlobStore implements BlobStore {
  /** Failures so far, by operation (stage, commit, get, stat, delete, presign). */
  readonly errors = new Map<string, number>()
  readonly presignGet?: (sha256: string, opts: PresignOptions) => Promise<string>
  readonly localPath?: (sha256: string) => string

  constructor(private readonly inner: BlobStore) {
    const presign = inner.presignGet?.bind(inner)
    if (presign) this.presignGet = (sha256, opts) => this.counted('presign', () => presign(sha256, opts))
    if (inner.localPath) this.localPath = inner.localPath.bind(inner)
  }

  async stage(body: Readable, opts: StageOptions): Promise<StagedBlob> {
    const staged = await this.counted('stage', () => this.inner.stage(body, opts))
    return {
      info: staged.info,
      commit: () => this.counted('commit', () => staged.commit()),
      discard: () => staged.discard(),
    }
  }

  get(sha256: string, opts?: { range?: ByteRange; signal?: AbortSignal }): Promise<Readable> {
    return this.counted('get', () => this.inner.get(sha256, opts))
  }

  stat(sha256: string): Promise<BlobInfo | undefined> {
    return this.counted('stat', () => this.inner.stat(sha256))
  }

  delete(sha256: string): Promise<void> {
    return this.counted('delete', () => this.inner.delete(sha256))
  }

  private async counted<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call()
    } catch (err) {
      const code = (err as { code?: unknown; name?: unknown }).code ?? (err as { name?: unknown }).name
      const clients = err instanceof ChecksumMismatchError || err instanceof SizeLimitError
      if (!clients && !CLIENT_GONE.has(String(code)) && String(code) !== 'AbortError') {
        this.errors.set(op, (this.errors.get(op) ?? 0) + 1)
      }
      throw err
    }
  }
}
