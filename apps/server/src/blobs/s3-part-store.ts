// Parts of resumable uploads in the bucket of the S3 blob store. A session has one native multipart upload
// (<prefix>uploads/<session>/whole, its id kept with the session): a part of S3's sizes goes in as a part of it, as
// it arrives (hashed once, unsigned payload), and `complete` joins them server-side; a smaller part (or one sent
// without a length) is an object <prefix>uploads/<session>/<number>. Why: docs/decisions/0024-native-multipart-upload-sessions.md.
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { ChecksumMismatchError, type StagedBlob } from './blob-store.js'
import { HashingStream } from './hashing-stream.js'
import {
  type AssembleOptions,
  checkUploadId,
  isUploadId,
  type PartStore,
  PartsChangedError,
  PartsDroppedError,
  type PartWriteOptions,
  StaleHandleError,
  type StoredPart,
  type WrittenPart,
} from './part-store.js'
import type { S3BlobStore } from './s3-blob-store.js'
import { MAX_PUT, MIN_PART, type ObjectPiece, type S3Objects, type SentPart } from './s3-objects.js'

export class S3PartStore implements PartStore {
  private readonly root: string
  private readonly objects: S3Objects

  constructor(private readonly blobs: S3BlobStore) {
    this.objects = blobs.objects
    this.root = `${blobs.prefix}uploads/`
  }

  private keyOf(uploadId: string, leaf: number | string = ''): string {
    return `${this.root}${checkUploadId(uploadId)}/${leaf}`
  }

  /** The key of the session's multipart upload, and of the object it becomes on complete. */
  private wholeKey(uploadId: string): string {
    return this.keyOf(uploadId, 'whole')
  }

  async open(uploadId: string): Promise<string> {
    return this.objects.createMultipart(this.wholeKey(uploadId))
  }

  async closeHandle(uploadId: string, handle: string): Promise<void> {
    await this.objects.abortMultipart(this.wholeKey(uploadId), handle).catch((err: unknown) => {
      if (!isNoSuchUpload(err)) throw err
    })
  }

  async write(uploadId: string, number: number, body: Readable, opts: PartWriteOptions): Promise<WrittenPart> {
    const hasher = new HashingStream(opts.maxBytes)
    body.on('error', (err) => hasher.destroy(err))
    const { handle, length } = opts
    if (handle && length !== undefined && length >= MIN_PART && length <= MAX_PUT) {
      // A multipart part replaces the one of its number once it has arrived whole: a resend cut off keeps the first.
      const etag = await this.objects
        .uploadPart(this.wholeKey(uploadId), handle, number, body.pipe(hasher), { ...opts, length, source: hasher })
        .catch((err: unknown) => {
          throw isNoSuchUpload(err) ? new StaleHandleError(uploadId) : err
        })
      if (etag === undefined) throw new Error(`S3 answered no ETag for part ${number} of upload ${uploadId}`)
      const sha256 = hasher.digest()
      // The part now holds these bytes: the copy recorded before no longer matches its tag, and complete will ask
      // for this number again unless a good resend comes first.
      if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(opts.expectedSha256, sha256)
      }
      return { sha256, size: hasher.bytesSeen, tag: etag }
    }
    const final = this.keyOf(uploadId, number)
    // A PUT replaces the object only once it has arrived whole, so a part that needs no digest check goes straight
    // to its key; one that does lands beside it first, so that a bad retry never replaces a good part.
    const key = opts.expectedSha256 === undefined ? final : `${this.keyOf(uploadId)}.${randomUUID()}`
    try {
      if (length !== undefined && length <= MAX_PUT) {
        await this.objects.put(key, body.pipe(hasher), { ...opts, length, source: hasher })
      } else await this.objects.putInParts(key, body.pipe(hasher), opts)
    } catch (err) {
      if (key !== final) await this.objects.delete(key)
      throw err
    }
    const sha256 = hasher.digest()
    if (key !== final) {
      try {
        if (opts.expectedSha256 !== sha256) throw new ChecksumMismatchError(opts.expectedSha256 as string, sha256)
        await this.objects.copy(key, final, hasher.bytesSeen)
      } finally {
        await this.objects.delete(key)
      }
    }
    return { sha256, size: hasher.bytesSeen, tag: null }
  }

  /**
   * Multipart parts all but (perhaps) the last: the last, if it is an object, is copied in as the final part, S3 joins
   * them, and the joined object is read once through sha256 and becomes the staged
   * blob. Otherwise (an object before the last: a small part) the multipart parts are joined and the whole is
   * streamed, in order, from ranges of that and from the objects, into a new blob.
   */
  async assemble(uploadId: string, parts: readonly StoredPart[], opts: AssembleOptions): Promise<StagedBlob> {
    const total = parts.reduce((n, p) => n + p.size, 0)
    const { expectedSha256, maxBytes, signal } = opts
    const natives = parts.filter((p) => p.tag !== null)
    const objectOf = (p: StoredPart): ObjectPiece => ({ key: this.keyOf(uploadId, p.number) })
    if (!opts.handle || natives.length === 0) {
      const body = this.objects.read(parts.map(objectOf), signal)
      return this.blobs.stage(body, { expectedSha256, maxBytes, signal, length: total })
    }
    const whole = this.wholeKey(uploadId)
    const listed = await this.objects.listParts(whole, opts.handle).catch((err: unknown) => {
      throw isNoSuchUpload(err) ? new StaleHandleError(uploadId) : err
    })
    const changed = natives.filter((p) => listed.get(p.number)?.etag !== p.tag || listed.get(p.number)?.size !== p.size)
    if (changed.length > 0) throw new PartsChangedError(changed.map((p) => p.number))
    const sent: SentPart[] = natives.map((p) => ({ PartNumber: p.number, ETag: p.tag ?? undefined }))
    const last = parts[parts.length - 1] as StoredPart
    const direct = parts.every((p) => p.tag !== null || p === last)
    if (direct && last.tag === null) {
      sent.push({
        PartNumber: last.number,
        ETag: await this.objects.copyPart(objectOf(last), whole, opts.handle, last.number),
      })
    }
    await this.objects.completeMultipart(whole, opts.handle, sent)
    const dropped = (err: unknown) =>
      new PartsDroppedError(
        natives.map((p) => p.number),
        err,
      )
    if (direct)
      return this.blobs.stageObject(whole, total, { expectedSha256, maxBytes, signal }).catch((err) => {
        throw dropped(err)
      })
    let offset = 0
    const pieces = parts.map((p): ObjectPiece => {
      if (p.tag === null) return objectOf(p)
      const range = { start: offset, end: offset + p.size - 1 }
      offset += p.size
      return { key: whole, range }
    })
    try {
      return await this.blobs.stage(this.objects.read(pieces, signal), {
        expectedSha256,
        maxBytes,
        signal,
        length: total,
      })
    } catch (err) {
      await this.objects.delete(whole)
      throw dropped(err)
    }
  }

  async remove(uploadId: string): Promise<void> {
    const prefix = this.keyOf(uploadId)
    for (const u of await this.objects.listMultipart(prefix)) {
      await this.objects.abortMultipart(u.key, u.uploadId).catch((err: unknown) => {
        if (!isNoSuchUpload(err)) throw err
      })
    }
    const keys = await this.objects.list(prefix)
    // One DELETE per part: S3-compatible servers differ on the checksum header a multi-object delete requires.
    for (let i = 0; i < keys.length; i += 8) await Promise.all(keys.slice(i, i + 8).map((k) => this.objects.delete(k)))
  }

  async list(): Promise<string[]> {
    const ids = new Set<string>()
    for (const p of await this.objects.list(this.root, '/')) ids.add(p.slice(this.root.length, -1))
    for (const u of await this.objects.listMultipart(this.root))
      ids.add(u.key.slice(this.root.length).split('/')[0] ?? '')
    return [...ids].filter(isUploadId)
  }
}

/** The multipart upload is gone (RGW answers ListParts of an unknown upload with NoSuchKey). */
function isNoSuchUpload(err: unknown): boolean {
  const name = (err as { name?: unknown }).name
  return name === 'NoSuchUpload' || name === 'NoSuchKey'
}
