// Blobs in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, R2): blobs/sha256/<digest>, written to
// tmp/<uuid> while hashing (one streamed PUT, or parts in flight), then copied into place server-side on commit.
import { createHash, randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { GetObjectCommand, HeadObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3'
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
  SizeLimitError,
  type StagedBlob,
  type StageOptions,
} from './blob-store.js'
import { HashingStream } from './hashing-stream.js'
import { resumeSha256 } from './running-sha256.js'
import { MAX_PUT, S3Objects, type S3Tuning } from './s3-objects.js'

export interface S3BlobStoreOptions extends S3Tuning {
  bucket: string
  /** Key prefix inside the bucket, e.g. "modelreg/". */
  prefix?: string
  endpoint?: string
  region: string
  accessKeyId?: string
  secretAccessKey?: string
  forcePathStyle?: boolean
  /**
   * Bodies of a known length up to this many bytes go on as one streamed PUT; longer ones (and bodies of unknown
   * length) as parts in flight (`partSize`, `queueSize`).
   */
  singlePutLimit?: number
}

export class S3BlobStore implements BlobStore {
  readonly client: S3Client
  /** The bucket's requests, shared with the part store (blobs/s3-part-store.ts). */
  readonly objects: S3Objects
  readonly prefix: string

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
    this.objects = new S3Objects(this.client, opts.bucket, opts)
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
      const single = opts.length !== undefined && opts.length <= (this.opts.singlePutLimit ?? MAX_PUT)
      if (single) await this.objects.put(tmpKey, body.pipe(hasher), { ...opts, length: opts.length as number })
      else await this.objects.putInParts(tmpKey, body.pipe(hasher), opts)
    } catch (err) {
      await this.objects.delete(tmpKey)
      throw err
    }
    const sha256 = hasher.digest()
    if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
      await this.objects.delete(tmpKey)
      throw new ChecksumMismatchError(opts.expectedSha256, sha256)
    }
    return this.staged(tmpKey, { sha256, size: hasher.bytesSeen })
  }

  /**
   * Stages an object already in the bucket (a completed multipart upload of a session's parts, `size` bytes): one
   * read through sha256; the digest and limit are checked as by `stage()`.
   * The staged blob owns the object from then on: commit copies it into place, commit and discard delete it.
   */
  async stageObject(
    key: string,
    size: number,
    opts: Pick<StageOptions, 'expectedSha256' | 'maxBytes' | 'signal'> & {
      /** A running sha256 of the first `bytes` bytes (blobs/running-sha256.ts): only the rest is read. */
      hashed?: { state: string; bytes: number }
    },
  ): Promise<StagedBlob> {
    try {
      if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new SizeLimitError(opts.maxBytes)
      const { sha256, seen } = opts.hashed
        ? await this.hashRest(key, size, opts.hashed, opts.signal)
        : await this.hashAll(key, opts.signal)
      if (seen !== size) throw new Error(`read ${seen} bytes of ${key}; expected ${size}`)
      if (opts.expectedSha256 !== undefined && opts.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(opts.expectedSha256, sha256)
      }
      return this.staged(key, { sha256, size })
    } catch (err) {
      await this.objects.delete(key)
      throw err
    }
  }

  /** One GET through sha256: ranged GETs read ahead of the hash measured no faster on RGW (decision 0024). */
  private async hashAll(key: string, signal?: AbortSignal): Promise<{ sha256: string; seen: number }> {
    const hash = createHash('sha256')
    const seen = await this.readInto(hash, key, signal)
    return { sha256: hash.digest('hex'), seen }
  }

  /** The running digest taken up where it stopped: the bytes after `hashed.bytes` read through it, if any. */
  private async hashRest(
    key: string,
    size: number,
    hashed: { state: string; bytes: number },
    signal?: AbortSignal,
  ): Promise<{ sha256: string; seen: number }> {
    const hash = await resumeSha256(hashed.state)
    const seen =
      hashed.bytes < size ? await this.readInto(hash, key, signal, { start: hashed.bytes, end: size - 1 }) : 0
    return { sha256: hash.digest(), seen: hashed.bytes + seen }
  }

  /** Reads the object (or a range of it) through `hash`; the bytes read. */
  private async readInto(
    hash: { update(chunk: Buffer): unknown },
    key: string,
    signal?: AbortSignal,
    range?: ByteRange,
  ): Promise<number> {
    let seen = 0
    for await (const chunk of await this.objects.get(key, { signal, ...(range && { range }) })) {
      hash.update(chunk as Buffer)
      seen += (chunk as Buffer).length
    }
    return seen
  }

  private staged(key: string, info: BlobInfo): StagedBlob {
    let committed = false
    return {
      info,
      commit: async () => {
        if (committed) return
        await this.objects.copy(key, this.keyOf(info.sha256), info.size)
        committed = true
        await this.objects.delete(key)
      },
      discard: async () => {
        if (!committed) await this.objects.delete(key)
      },
    }
  }

  async get(sha256: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    return this.objects.get(this.keyOf(sha256), opts).catch((err: unknown) => {
      throw isNotFound(err) ? new BlobMissingError(sha256) : err
    })
  }

  /** A short-lived GET URL for the blob, answering with the artifact's name and media type. */
  async presignGet(sha256: string, opts: PresignOptions): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.opts.bucket,
      Key: this.keyOf(sha256),
      ResponseContentDisposition: contentDisposition(opts.filename),
      ResponseContentType: opts.contentType,
    })
    return getSignedUrl(this.client, command, { expiresIn: opts.expiresInSeconds })
  }

  async stat(sha256: string): Promise<BlobInfo | undefined> {
    try {
      const res = await this.client.send(new HeadObjectCommand({ Bucket: this.opts.bucket, Key: this.keyOf(sha256) }))
      return { sha256, size: Number(res.ContentLength ?? 0) }
    } catch (err) {
      if (isNotFound(err)) return undefined
      throw err
    }
  }

  async delete(sha256: string): Promise<void> {
    await this.objects.delete(this.keyOf(sha256))
  }
}

/** S3's not-found, as GetObject (NoSuchKey) and HeadObject (a bare 404, no body to name it) report it. */
function isNotFound(err: unknown): boolean {
  const e = err as { name?: unknown; $metadata?: { httpStatusCode?: number } }
  return e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata?.httpStatusCode === 404
}
