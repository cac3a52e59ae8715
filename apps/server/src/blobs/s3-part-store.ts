// Parts of resumable uploads in the bucket of the S3 blob store: <prefix>uploads/<session>/<part number>, one
// object per part, so that any replica can take any part and any replica can read them all back to complete.
// Why objects and not one native multipart upload per session: docs/decisions/0020-upload-parts-in-the-blob-store.md.
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { type BlobInfo, ChecksumMismatchError } from './blob-store.js'
import { HashingStream, STREAM_BUFFER } from './hashing-stream.js'
import { checkUploadId, isUploadId, type PartStore, type PartWriteOptions } from './part-store.js'

/** S3's limit for one PUT. */
const MAX_PUT = 5 * 1024 ** 3

export interface S3PartStoreOptions {
  bucket: string
  prefix?: string
  /** Multipart part size used to send one large upload part on to S3. */
  partSize?: number
}

export class S3PartStore implements PartStore {
  private readonly root: string

  constructor(
    private readonly client: S3Client,
    private readonly opts: S3PartStoreOptions,
  ) {
    this.root = `${opts.prefix ?? ''}uploads/`
  }

  private keyOf(uploadId: string, number?: number): string {
    return `${this.root}${checkUploadId(uploadId)}/${number ?? ''}`
  }

  async write(uploadId: string, number: number, body: Readable, opts: PartWriteOptions): Promise<BlobInfo> {
    const final = this.keyOf(uploadId, number)
    // A PUT replaces the object only once it has arrived whole, so a part that needs no digest check goes straight
    // to its key; one that does lands beside it first, so that a bad retry never replaces a good part.
    const key = opts.expectedSha256 === undefined ? final : `${this.keyOf(uploadId)}.${randomUUID()}`
    const hasher = new HashingStream(opts.maxBytes)
    body.on('error', (err) => hasher.destroy(err))
    try {
      if (opts.length !== undefined && opts.length <= MAX_PUT) await this.put(key, body.pipe(hasher), hasher, opts)
      else await this.uploadInParts(key, body.pipe(hasher), hasher, opts.signal)
    } catch (err) {
      if (key !== final) await this.deleteKey(key)
      throw err
    }
    const sha256 = hasher.digest()
    if (key !== final) {
      try {
        if (opts.expectedSha256 !== sha256) throw new ChecksumMismatchError(opts.expectedSha256 as string, sha256)
        await this.client.send(
          new CopyObjectCommand({ Bucket: this.opts.bucket, Key: final, CopySource: this.copySource(key) }),
        )
      } finally {
        await this.deleteKey(key)
      }
    }
    return { sha256, size: hasher.bytesSeen }
  }

  /**
   * One PUT streaming the body as it arrives. A stream body is sent with an unsigned payload (the SDK cannot hash it
   * ahead of sending it), so the bytes are hashed once, by us, rather than a second time to sign each chunk.
   */
  private async put(key: string, body: Readable, hasher: HashingStream, opts: PartWriteOptions): Promise<void> {
    const abort = new AbortController()
    const stop = () => abort.abort()
    opts.signal?.addEventListener('abort', stop, { once: true })
    try {
      await Promise.race([
        this.client.send(
          new PutObjectCommand({ Bucket: this.opts.bucket, Key: key, Body: body, ContentLength: opts.length }),
          { abortSignal: abort.signal },
        ),
        new Promise((_, reject) => hasher.once('error', reject)),
      ])
    } catch (err) {
      abort.abort()
      throw err
    } finally {
      opts.signal?.removeEventListener('abort', stop)
    }
  }

  /** A body of unknown length: multipart upload of buffered pieces (lib-storage), aborted on failure. */
  private async uploadInParts(key: string, body: Readable, hasher: HashingStream, signal?: AbortSignal) {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.opts.bucket, Key: key, Body: body },
      partSize: this.opts.partSize ?? 8 * 1024 * 1024,
      queueSize: 2,
      leavePartsOnError: false,
    })
    const onAbort = () => void upload.abort()
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      await Promise.race([upload.done(), new Promise((_, reject) => hasher.once('error', reject))])
    } catch (err) {
      await upload.abort().catch(() => undefined)
      throw err
    } finally {
      signal?.removeEventListener('abort', onAbort)
    }
  }

  read(uploadId: string, numbers: readonly number[]): Readable {
    const keys = numbers.map((n) => this.keyOf(uploadId, n))
    const { client, opts } = this
    return Readable.from(
      (async function* () {
        for (const Key of keys) {
          const res = await client.send(new GetObjectCommand({ Bucket: opts.bucket, Key }))
          yield* res.Body as Readable
        }
      })(),
      { objectMode: false, highWaterMark: STREAM_BUFFER },
    )
  }

  async remove(uploadId: string): Promise<void> {
    const prefix = this.keyOf(uploadId)
    for (;;) {
      const listed = await this.client.send(new ListObjectsV2Command({ Bucket: this.opts.bucket, Prefix: prefix }))
      const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []))
      // One DELETE per part: S3-compatible servers differ on the checksum header a multi-object delete requires.
      for (let i = 0; i < keys.length; i += 8) await Promise.all(keys.slice(i, i + 8).map((k) => this.deleteKey(k)))
      if (!listed.IsTruncated) return
    }
  }

  async list(): Promise<string[]> {
    const ids: string[] = []
    let token: string | undefined
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.opts.bucket,
          Prefix: this.root,
          Delimiter: '/',
          ContinuationToken: token,
        }),
      )
      for (const p of res.CommonPrefixes ?? []) {
        const id = p.Prefix?.slice(this.root.length, -1) ?? ''
        if (isUploadId(id)) ids.push(id)
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined
    } while (token)
    return ids
  }

  private copySource(key: string): string {
    return `${this.opts.bucket}/${encodeURIComponent(key).replaceAll('%2F', '/')}`
  }

  private async deleteKey(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.opts.bucket, Key: key }))
  }
}
