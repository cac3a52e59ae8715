// Parts of resumable uploads, on local disk: uploads/<session>/<part number>, each written whole or not at all.
// The interface is what a store of parts in the blob store (several replicas) will implement too:
// write / read / remove by upload id, and list the upload ids that have parts stored.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { type BlobInfo, ChecksumMismatchError } from './blob-store.js'
import { HashingStream, STREAM_BUFFER } from './hashing-stream.js'
import { removeTempFile } from './temp-file.js'

export class PartStore {
  constructor(private readonly root: string) {
    fs.mkdirSync(root, { recursive: true })
  }

  private dir(uploadId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new Error(`not an upload id: ${uploadId}`)
    return path.join(this.root, uploadId)
  }

  async write(
    uploadId: string,
    number: number,
    body: Readable,
    opts: { maxBytes?: number; expectedSha256?: string; signal?: AbortSignal },
  ): Promise<BlobInfo> {
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

  /** The parts, in the given order, as one stream. */
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

  /** Upload ids that have anything stored (sessions that live, and leftovers of sessions that do not). */
  async list(): Promise<string[]> {
    const entries = await fsp.readdir(this.root, { withFileTypes: true })
    return entries.filter((e) => e.isDirectory() && /^[0-9a-f-]{36}$/.test(e.name)).map((e) => e.name)
  }
}
