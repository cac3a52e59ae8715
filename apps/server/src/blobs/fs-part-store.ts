// Parts of resumable uploads in the local blob directory: uploads/<session>/<part number>, each written to a
// temporary file and renamed into place. Replicas sharing the directory (NFS) share the parts.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type BlobInfo, ChecksumMismatchError } from './blob-store.js'
import { HashingStream, STREAM_BUFFER } from './hashing-stream.js'
import { checkUploadId, isUploadId, type PartStore, type PartWriteOptions } from './part-store.js'
import { removeTempFile } from './temp-file.js'

export class FsPartStore implements PartStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true })
  }

  private dir(uploadId: string): string {
    return path.join(this.root, checkUploadId(uploadId))
  }

  async write(uploadId: string, number: number, body: Readable, opts: PartWriteOptions): Promise<BlobInfo> {
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
      return { sha256, size: hasher.bytesSeen }
    } catch (err) {
      await removeTempFile(out, tmp)
      throw err
    }
  }

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
