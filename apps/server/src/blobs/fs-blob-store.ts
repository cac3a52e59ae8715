// Blobs in a local directory: blobs/sha256/ab/cd/<digest>, written to tmp/ first and renamed into place.
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import http from 'node:http'
import path from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { promisify } from 'node:util'
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
import { FlushingFileWriter } from './flushing-file-writer.js'
import { HashingStream, STREAM_BUFFER } from './hashing-stream.js'
import { removeTempFile } from './temp-file.js'

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

  localPath(sha256: string): string {
    return this.pathOf(sha256)
  }

  async stage(body: Readable, opts: StageOptions): Promise<StagedBlob> {
    const tmp = path.join(this.tmpDir, randomUUID())
    const hasher = new HashingStream(opts.maxBytes)
    let handle: fsp.FileHandle | undefined
    let out: FlushingFileWriter | undefined
    try {
      handle = await fsp.open(tmp, 'wx')
      out = new FlushingFileWriter(handle)
      await pipeline(body, hasher, out, { signal: opts.signal })
      const sha256 = hasher.digest()
      if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(opts.expectedSha256, sha256)
      }
      // Durable before visible, and outside the caller's transaction: the bytes reach the disk here (most of them
      // already did, behind the writes), commit() only renames.
      await out.sync()
      await handle.close()
      handle = undefined
      return this.staged(tmp, { sha256, size: hasher.bytesSeen })
    } catch (err) {
      await removeTempFile(out, tmp, handle)
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
        // Atomically over any existing copy (the temporary file was fsynced by stage()).
        await fsp.rename(tmp, final)
        committed = true
      },
      discard: async () => {
        if (!committed) await fsp.rm(tmp, { force: true })
      },
    }
  }

  async get(sha256: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    // Opened here, so that a missing blob fails before any header is sent.
    const fd = await openFile(this.pathOf(sha256), 'r').catch((err: unknown) => {
      throw (err as NodeJS.ErrnoException).code === 'ENOENT' ? new BlobMissingError(sha256) : err
    })
    return new BlobFileStream(fd, opts.range, opts.signal)
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

const openFile = promisify(fs.open)
const POOL_BUFFERS = 4
/** A stream dropped without being read or destroyed still closes its file, as a FileHandle would. */
const unclosed = new FinalizationRegistry<number>((fd) => fs.close(fd, () => undefined))

/**
 * A blob file (or an inclusive byte range of it) as a stream. Piped into an HTTP response, it sends the bytes through
 * a few reused 1 MiB buffers, each taken back only once the response has handed its bytes to the socket (the write
 * callback). A fresh buffer per chunk kept V8 collecting: on a heap whose limits had shrunk while idle, a download ran
 * back-to-back mark-compacts and reached a fifth of a plain Node pipe (bench/transfer.bench.ts). Read any other way
 * (async iteration, piped into another stream), it is an ordinary stream of fresh buffers.
 */
class BlobFileStream extends Readable {
  private position: number
  /** Exclusive; Infinity reads to the end of the file. */
  private readonly stop: number
  private fd: number | undefined
  /** A read is in flight on fd: closing must wait for it, or the number could be reused under it. */
  private reading = false
  private closeWhenIdle: (() => void) | undefined

  constructor(fd: number, range: ByteRange | undefined, signal: AbortSignal | undefined) {
    super({ highWaterMark: STREAM_BUFFER, signal })
    this.fd = fd
    unclosed.register(this, fd, this)
    this.position = range?.start ?? 0
    this.stop = range === undefined ? Number.POSITIVE_INFINITY : range.end + 1
  }

  /** Reads the next chunk into buf; undefined at the end of the range or of the file. */
  private readInto(buf: Buffer, done: (err: Error | null, chunk?: Buffer) => void): void {
    const length = Math.min(buf.length, this.stop - this.position)
    if (length <= 0 || this.fd === undefined) {
      done(null)
      return
    }
    this.reading = true
    fs.read(this.fd, buf, 0, length, this.position, (err, n) => {
      this.reading = false
      this.closeWhenIdle?.()
      if (err) return done(err)
      this.position += n
      done(null, n === 0 ? undefined : n === buf.length ? buf : buf.subarray(0, n))
    })
  }

  override _read(): void {
    this.readInto(Buffer.allocUnsafeSlow(STREAM_BUFFER), (err, chunk) => {
      if (err) this.destroy(err)
      else if (!this.destroyed) this.push(chunk ?? null)
    })
  }

  override pipe<T extends NodeJS.WritableStream>(dest: T, opts?: { end?: boolean }): T {
    const plain = !(dest instanceof http.ServerResponse) || opts?.end === false || this.readableFlowing !== null
    if (plain) return super.pipe(dest, opts)
    this.sendTo(dest)
    return dest
  }

  /** The pooled pump: up to POOL_BUFFERS chunks in flight, a buffer reused after its write callback. */
  private sendTo(res: http.ServerResponse): void {
    const free: Buffer[] = Array.from({ length: POOL_BUFFERS }, () => Buffer.allocUnsafeSlow(STREAM_BUFFER))
    let inFlight = 0
    let ended = false
    const next = (): void => {
      if (this.destroyed || res.destroyed || ended || this.reading || free.length === 0) return
      const buf = free.pop() as Buffer
      this.readInto(buf, (err, chunk) => {
        if (err) return void this.destroy(err)
        if (this.destroyed) return
        if (chunk === undefined) {
          ended = true
          free.push(buf)
          if (inFlight === 0) this.finish(res)
          return
        }
        inFlight++
        // An error here is the client going away: the response closes and Fastify destroys this stream.
        res.write(chunk, () => {
          inFlight--
          free.push(buf)
          if (ended && inFlight === 0) this.finish(res)
          else next()
        })
        next()
      })
    }
    next()
  }

  /** Ends the response and this stream the way pipe() would: 'end' here, then end() there. */
  private finish(res: http.ServerResponse): void {
    if (this.destroyed) return
    this.push(null)
    this.resume()
    res.end()
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    const close = () => {
      this.closeWhenIdle = undefined
      const fd = this.fd
      this.fd = undefined
      unclosed.unregister(this)
      if (fd === undefined) callback(err)
      else fs.close(fd, (closeErr) => callback(err ?? closeErr))
    }
    if (this.reading) this.closeWhenIdle = close
    else close()
  }
}
