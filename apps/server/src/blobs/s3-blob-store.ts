// Blobs in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, R2): blobs/sha256/<digest>, written to
// tmp/<uuid> by multipart upload while hashing, then copied into place server-side on commit.
import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { create as contentDisposition } from 'content-disposition'
import {
  type BlobInfo,
  BlobMissingError,
  type BlobStore,
  type ByteRange,
  ChecksumMismatchError,
  type PresignOptions,
  SHA256_HEX,
  type StagedBlob,
  type StageOptions,
} from './blob-store.js'
import { HashingStream } from './hashing-stream.js'

export interface S3BlobStoreOptions {
  bucket: string
  /** Key prefix inside the bucket, e.g. "modelreg/". */
  prefix?: string
  endpoint?: string
  region: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle?: boolean
  /** Multipart part size for uploads (memory per upload is about partSize × queueSize). */
  partSize?: number
  queueSize?: number
  /** Objects above this size are copied into place part by part (S3's single copy stops at 5 GiB). */
  multipartCopyThreshold?: number
}

const GiB = 1024 ** 3
/** S3's limit for one PUT. */
const MAX_PUT = 5 * GiB

export class S3BlobStore implements BlobStore {
  readonly client: S3Client
  private readonly bucket: string
  private readonly prefix: string

  constructor(private readonly opts: S3BlobStoreOptions) {
    const config: S3ClientConfig = {
      region: opts.region,
      forcePathStyle: opts.forcePathStyle ?? opts.endpoint !== undefined,
      ...(opts.endpoint !== undefined && {
        endpoint: opts.endpoint,
        // S3-compatible servers (Ceph RGW, Swift) refuse the SDK's default aws-chunked checksums.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
      ...(opts.accessKeyId !== undefined &&
        opts.secretAccessKey !== undefined && {
          credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
        }),
    }
    this.client = new S3Client(config)
    this.bucket = opts.bucket
    this.prefix = opts.prefix ?? ''
  }

  keyOf(sha256: string): string {
    if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256 digest: ${sha256}`)
    return `${this.prefix}blobs/sha256/${sha256}`
  }

  async stage(body: Readable, opts: StageOptions): Promise<StagedBlob> {
    const tmpKey = `${this.prefix}tmp/${randomUUID()}`
    const hasher = new HashingStream(opts.maxBytes)
    body.on('error', (err) => hasher.destroy(err))
    try {
      if (opts.length !== undefined && opts.length <= MAX_PUT) await this.put(tmpKey, body.pipe(hasher), hasher, opts)
      else await this.uploadInParts(tmpKey, body.pipe(hasher), hasher, opts.signal)
    } catch (err) {
      await this.deleteKey(tmpKey)
      throw err
    }
    const sha256 = hasher.digest()
    if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
      await this.deleteKey(tmpKey)
      throw new ChecksumMismatchError(opts.expectedSha256, sha256)
    }
    const info = { sha256, size: hasher.bytesSeen }
    let committed = false
    return {
      info,
      commit: async () => {
        if (committed) return
        await this.copy(tmpKey, this.keyOf(sha256), info.size)
        committed = true
        await this.deleteKey(tmpKey)
      },
      discard: async () => {
        if (!committed) await this.deleteKey(tmpKey)
      },
    }
  }

  /**
   * One PUT streaming the body as it arrives. A stream is sent with an unsigned payload (the SDK cannot hash it ahead
   * of sending it), so the bytes are hashed once, by us, instead of once more per piece to sign it.
   */
  private async put(key: string, body: Readable, hasher: HashingStream, opts: StageOptions): Promise<void> {
    const abort = new AbortController()
    const stop = () => abort.abort()
    opts.signal?.addEventListener('abort', stop, { once: true })
    try {
      await Promise.race([
        this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: opts.length }),
          {
            abortSignal: abort.signal,
          },
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
      params: { Bucket: this.bucket, Key: key, Body: body },
      partSize: this.opts.partSize ?? 5 * 1024 * 1024,
      queueSize: this.opts.queueSize ?? 1,
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

  /** Server-side copy: one request up to the threshold, UploadPartCopy of 1 GiB ranges above it. */
  private async copy(from: string, to: string, size: number): Promise<void> {
    const source = `${this.bucket}/${encodeURIComponent(from).replaceAll('%2F', '/')}`
    if (size <= (this.opts.multipartCopyThreshold ?? 5 * GiB)) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: source }))
      return
    }
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: to }))
    const partSize = Math.max(5 * 1024 * 1024, Math.min(GiB, this.opts.multipartCopyThreshold ?? GiB))
    try {
      const parts: { ETag?: string; PartNumber: number }[] = []
      for (let start = 0, n = 1; start < size; start += partSize, n++) {
        const end = Math.min(size, start + partSize) - 1
        const res = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: to,
            UploadId,
            PartNumber: n,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end}`,
          }),
        )
        parts.push({ ETag: res.CopyPartResult?.ETag, PartNumber: n })
      }
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: to,
          UploadId,
          MultipartUpload: { Parts: parts },
        }),
      )
    } catch (err) {
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: to, UploadId }))
        .catch(() => undefined)
      throw err
    }
  }

  async get(sha256: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const res = await this.client
      .send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: this.keyOf(sha256),
          ...(opts.range && { Range: `bytes=${opts.range.start}-${opts.range.end}` }),
        }),
        { abortSignal: opts.signal },
      )
      .catch((err: unknown) => {
        throw isNotFound(err) ? new BlobMissingError(sha256) : err
      })
    return res.Body as Readable
  }

  /** A short-lived GET URL for the blob, answering with the artifact's name and media type. */
  async presignGet(sha256: string, opts: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: this.keyOf(sha256),
      ResponseContentDisposition: contentDisposition(opts.filename),
      ResponseContentType: opts.contentType,
    })
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSeconds })
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.keyOf(sha256) }))
      return { sha256, size: Number(res.ContentLength ?? 0) }
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.deleteKey(this.keyOf(sha256))
  }

  private async deleteKey(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }
}

/** S3's not-found, as GetObject (NoSuchKey) and HeadObject (a bare 404, no body to name it) report it. */
function isNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } }
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404
}
