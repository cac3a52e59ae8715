// Parts of resumable uploads in the local blob directory: uploads/<session>/<part number>, each written to a
// temporary file and renamed into place. Replicas sharing the directory (NFS) share the parts.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type BlobStore, ChecksumMismatchError, type StagedBlob } from './blob-store.js'
import { HashingStream, STREAM_BUFFER } from './hashing-stream.js'
import {
  type AssembleOptions,
  checkUploadId,
  isUploadId,
  type PartStore,
  type PartWriteOptions,
  type StoredPart,
  type WrittenPart,
} from './part-store.js'
import { removeTempFile } from './temp-file.js'

export class FsPartStore implements PartStore {
  constructor(
    private readonly root: string,
    /** Where an assembled upload is staged (the registry's blob store, whichever it is). */
    private readonly blobs: BlobStore,
  ) {
    fs.mkdirSync(root, { recursive: true })
  }

  async open(): Promise<null> {
    return null
  }

  async closeHandle(): Promise<void> {}

  private dir(uploadId: string): string {
    return path.join(this.root, checkUploadId(uploadId))
  }

  async write(uploadId: string, number: number, body: Readable, opts: PartWriteOptions): Promise<WrittenPart> {
    const dir = this.dir(uploadId)
    await fsp.mkdir(dir, { recursive: true })
    const tmp = path.join(dir, `.${randomUUID()}`)
    const hasher = new HashingStream(opts.maxBytes)
    let out: fs.WriteStream | undefined
    try {
      out = fs.createWriteStream(tmp, { highWaterMark: STREAM_BUFFER })
      await pipeline(body, hasher, out, { signal: opts.signal })
      const sha256 = hasher.digest()
      if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256)
        throw new ChecksumMismatchError(opts.expectedSha256, sha256)
      await fsp.rename(tmp, path.join(dir, String(number)))
      return { sha256, size: hasher.bytesSeen, tag: null }
    } catch (err) {
      await removeTempFile(out, tmp)
      throw err
    }
  }

  /** One pass over the parts, in order, into the blob store (which hashes and checks them as it stages). */
  async assemble(uploadId: string, parts: readonly StoredPart[], opts: AssembleOptions): Promise<StagedBlob> {
    const length = parts.reduce((n, p) => n + p.size, 0)
    const { expectedSha256, maxBytes, signal } = opts
    return this.blobs.stage(
      this.read(
        uploadId,
        parts.map((p) => p.number),
      ),
      { expectedSha256, maxBytes, signal, length },
    )
  }

  /** The parts, in the given order, as one stream (a missing part fails the stream). */
  read(uploadId: string, numbers: readonly number[]): Readable {
    const dir = this.dir(uploadId)
    return Readable.from(
      (async function* () {
        for (const n of numbers) yield* fs.createReadStream(path.join(dir, String(n)), { highWaterMark: STREAM_BUFFER })
      })(),
      { objectMode: false, highWaterMark: STREAM_BUFFER },
    )
  }

  async remove(uploadId: string): Promise<void> {
    await fsp.rm(this.dir(uploadId), { recursive: true, force: true })
  }

  async list(): Promise<string[]> {
    const entries = await fsp.readdir(this.root, { withFileTypes: true })
    return entries.filter((e) => e.isDirectory() && isUploadId(e.name)).map((e) => e.name)
  }
}
