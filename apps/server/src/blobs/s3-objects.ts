// The S3 requests the two S3 backends make in their shared bucket (S3BlobStore for blobs, S3PartStore for the parts of
// upload sessions): streamed PUTs and parts with an unsigned payload, multipart uploads, server-side copies, reads
// with GETs in flight ahead of the reader, deletes. One place, so that both send bytes the same way.
import { Readable } from 'node:stream'
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import type { ByteRange } from './blob-store.js'

const MiB = 1024 ** 2
const GiB = 1024 ** 3
/** S3's limit for one PUT, and for one part. */
export const MAX_PUT = 5 * GiB
/** S3's smallest part other than the last (`EntityTooSmall` at complete otherwise). */
export const MIN_PART = 5 * MiB

export interface S3Tuning {
  /** Part size when a body of unknown length is sent as a multipart upload (memory: partSize × (queueSize + 1)). */
  partSize?: number
  /** Parts of one body in flight at once. */
  queueSize?: number
  /** Objects above this size are copied into place part by part (S3's single copy stops at 5 GiB). */
  multipartCopyThreshold?: number
  /** Size of the ranged GETs of a read, and how many run ahead of the reader. */
  readPieceSize?: number
  readAhead?: number
}

export interface SentPart {
  PartNumber: number
  ETag?: string
}

/** A piece of a read: a whole object, or an inclusive range of it. */
export interface ObjectPiece {
  key: string
  range?: ByteRange
}

export class S3Objects {
  constructor(
    readonly client: S3Client,
    readonly bucket: string,
    private readonly tuning: S3Tuning = {},
  ) {}

  /**
   * One PUT streaming the body as it arrives, `length` bytes. A stream is sent with an unsigned payload (the SDK
   * cannot hash it ahead of sending it), so the bytes are hashed once, by the caller's HashingStream, not once more
   * to sign them. `source` is the stream the body is piped from: its failure fails the PUT.
   */
  async put(key: string, body: Readable, opts: { length: number; signal?: AbortSignal; source?: Readable }) {
    await this.send(
      (abortSignal) =>
        this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: opts.length }),
          { abortSignal },
        ),
      opts.signal,
      opts.source ?? body,
    )
  }

  /**
   * A body of unknown (or more than one PUT's) length as a multipart upload: pieces of `partSize` buffered and sent
   * `queueSize` at a time, each as a stream (unsigned payload: hashed once, by the caller). Aborted on failure.
   */
  async putInParts(key: string, body: Readable, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const partSize = this.tuning.partSize ?? 16 * MiB
    const queueSize = this.tuning.queueSize ?? 3
    // The body may fail before it is read (while the upload is created): the loop below rethrows it then.
    const noted = () => undefined
    body.on('error', noted)
    const uploadId = await this.createMultipart(key).finally(() => body.off('error', noted))
    const abort = new AbortController()
    const stop = () => abort.abort()
    opts.signal?.addEventListener('abort', stop, { once: true })
    const inFlight = new Set<Promise<void>>()
    const sent: SentPart[] = []
    let failure: unknown
    const send = (bytes: Buffer, n: number) => {
      const p: Promise<void> = this.uploadPart(key, uploadId, n, Readable.from([bytes]), {
        length: bytes.length,
        signal: abort.signal,
      })
        .then((etag) => {
          sent.push({ PartNumber: n, ETag: etag })
        })
        .catch((err: unknown) => {
          failure ??= err
          abort.abort()
        })
        .finally(() => inFlight.delete(p))
      inFlight.add(p)
    }
    try {
      let n = 1
      let pending: Buffer[] = []
      let pendingBytes = 0
      for await (const chunk of body as AsyncIterable<Buffer>) {
        if (failure !== undefined) break
        pending.push(chunk)
        pendingBytes += chunk.length
        while (pendingBytes >= partSize) {
          const all = Buffer.concat(pending, pendingBytes)
          send(all.subarray(0, partSize), n++)
          pending = pendingBytes > partSize ? [all.subarray(partSize)] : []
          pendingBytes -= partSize
          while (inFlight.size >= queueSize) await Promise.race(inFlight)
        }
      }
      if (failure === undefined && (pendingBytes > 0 || n === 1)) send(Buffer.concat(pending, pendingBytes), n++)
      await Promise.all(inFlight)
      if (failure !== undefined) throw failure
      if (opts.signal?.aborted) throw opts.signal.reason
      await this.completeMultipart(key, uploadId, sent)
    } catch (err) {
      abort.abort()
      await Promise.allSettled(inFlight)
      await this.abortMultipart(key, uploadId).catch(() => undefined)
      throw err
    } finally {
      opts.signal?.removeEventListener('abort', stop)
    }
  }

  async createMultipart(key: string): Promise<string> {
    const res = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key }))
    if (res.UploadId === undefined) throw new Error(`S3 answered no upload id for ${key}`)
    return res.UploadId
  }

  /** One part of a multipart upload, streamed (unsigned payload); resolves to its ETag. */
  async uploadPart(
    key: string,
    uploadId: string,
    number: number,
    body: Readable,
    opts: { length: number; signal?: AbortSignal; source?: Readable },
  ): Promise<string | undefined> {
    const res = await this.send(
      (abortSignal) =>
        this.client.send(
          new UploadPartCommand({
            Bucket: this.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: number,
            Body: body,
            ContentLength: opts.length,
          }),
          { abortSignal },
        ),
      opts.signal,
      opts.source ?? body,
    )
    return res.ETag
  }

  /** Copies a range of an object in as part `number` of a multipart upload (server-side); resolves to its ETag. */
  async copyPart(from: ObjectPiece, key: string, uploadId: string, number: number): Promise<string | undefined> {
    const res = await this.client.send(
      new UploadPartCopyCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: number,
        CopySource: this.copySource(from.key),
        ...(from.range && { CopySourceRange: `bytes=${from.range.start}-${from.range.end}` }),
      }),
    )
    return res.CopyPartResult?.ETag
  }

  async completeMultipart(key: string, uploadId: string, parts: readonly SentPart[]): Promise<void> {
    const sorted = [...parts].sort((a, b) => a.PartNumber - b.PartNumber)
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: sorted },
      }),
    )
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }))
  }

  /** Multipart uploads in progress under a key prefix. */
  async listMultipart(prefix: string): Promise<{ key: string; uploadId: string }[]> {
    const found: { key: string; uploadId: string }[] = []
    let keyMarker: string | undefined
    let uploadIdMarker: string | undefined
    for (;;) {
      const res = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          Prefix: prefix,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      )
      for (const u of res.Uploads ?? []) {
        if (u.Key !== undefined && u.UploadId !== undefined) found.push({ key: u.Key, uploadId: u.UploadId })
      }
      if (!res.IsTruncated) return found
      keyMarker = res.NextKeyMarker
      uploadIdMarker = res.NextUploadIdMarker
    }
  }

  /** The parts an unfinished multipart upload holds, by number: size and ETag. */
  async listParts(key: string, uploadId: string): Promise<Map<number, { size: number; etag?: string }>> {
    const parts = new Map<number, { size: number; etag?: string }>()
    let marker: string | undefined
    for (;;) {
      const res = await this.client.send(
        new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
      )
      for (const p of res.Parts ?? []) {
        if (p.PartNumber !== undefined) parts.set(p.PartNumber, { size: Number(p.Size ?? 0), etag: p.ETag })
      }
      if (!res.IsTruncated) return parts
      marker = res.NextPartNumberMarker
    }
  }

  /** Keys under a prefix; with a delimiter, the common prefixes one level down instead. */
  async list(prefix: string, delimiter?: string): Promise<string[]> {
    const found: string[] = []
    let token: string | undefined
    do {
      const res = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      )
      if (delimiter === undefined) for (const o of res.Contents ?? []) o.Key !== undefined && found.push(o.Key)
      else for (const p of res.CommonPrefixes ?? []) p.Prefix !== undefined && found.push(p.Prefix)
      token = res.IsTruncated ? res.NextContinuationToken : undefined
    } while (token)
    return found
  }

  /** Server-side copy: one request up to the threshold, UploadPartCopy of 1 GiB ranges above it. */
  async copy(from: string, to: string, size: number): Promise<void> {
    const threshold = this.tuning.multipartCopyThreshold ?? MAX_PUT
    if (size <= threshold) {
      await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: to, CopySource: this.copySource(from) }))
      return
    }
    const uploadId = await this.createMultipart(to)
    const partSize = Math.max(MIN_PART, Math.min(GiB, threshold))
    try {
      const parts: SentPart[] = []
      for (let start = 0, n = 1; start < size; start += partSize, n++) {
        const range = { start, end: Math.min(size, start + partSize) - 1 }
        parts.push({ PartNumber: n, ETag: await this.copyPart({ key: from, range }, to, uploadId, n) })
      }
      await this.completeMultipart(to, uploadId, parts)
    } catch (err) {
      await this.abortMultipart(to, uploadId).catch(() => undefined)
      throw err
    }
  }

  async get(key: string, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const res = await this.client.send(
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ...(opts.range && { Range: `bytes=${opts.range.start}-${opts.range.end}` }),
      }),
      { abortSignal: opts.signal },
    )
    return res.Body as Readable
  }

  /**
   * The pieces, in order, as one stream: ranged GETs of `readPieceSize`, `readAhead` of them read into memory ahead
   * of the consumer, so that the consumer (a hash) never waits on a request's round trip or on one connection.
   * Pieces without a range are read whole (small objects).
   */
  read(pieces: readonly ObjectPiece[], signal?: AbortSignal): Readable {
    const pieceSize = this.tuning.readPieceSize ?? 16 * MiB
    const ahead = Math.max(1, this.tuning.readAhead ?? 3)
    const reads: ObjectPiece[] = pieces.flatMap((p) => {
      if (!p.range) return [p]
      const out: ObjectPiece[] = []
      for (let start = p.range.start; start <= p.range.end; start += pieceSize) {
        out.push({ key: p.key, range: { start, end: Math.min(p.range.end, start + pieceSize - 1) } })
      }
      return out
    })
    const abort = new AbortController()
    signal?.addEventListener('abort', () => abort.abort(), { once: true })
    const fetchPiece = async (p: ObjectPiece): Promise<Buffer[]> => {
      const chunks: Buffer[] = []
      for await (const c of await this.get(p.key, { range: p.range, signal: abort.signal })) chunks.push(c as Buffer)
      return chunks
    }
    const queue: Promise<Buffer[]>[] = []
    let next = 0
    const fill = () => {
      while (queue.length < ahead && next < reads.length) {
        const p = fetchPiece(reads[next++] as ObjectPiece)
        p.catch(() => undefined) // awaited in order below; a failure ahead must not be unhandled meanwhile
        queue.push(p)
      }
    }
    const stream = Readable.from(
      (async function* () {
        try {
          fill()
          while (queue.length > 0) {
            const chunks = await (queue.shift() as Promise<Buffer[]>)
            fill()
            yield* chunks
          }
        } finally {
          abort.abort()
        }
      })(),
      { objectMode: false, highWaterMark: MiB },
    )
    return stream
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }))
  }

  private copySource(key: string): string {
    return `${this.bucket}/${encodeURIComponent(key).replaceAll('%2F', '/')}`
  }

  /**
   * Sends a request whose body is piped from `source`: a failure of the source (a client gone, a size limit, a
   * digest check in the pipe) fails the request at once instead of leaving it waiting for bytes, and so does the
   * caller's signal.
   */
  private async send<T>(request: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, source?: Readable) {
    const abort = new AbortController()
    const stop = () => abort.abort()
    signal?.addEventListener('abort', stop, { once: true })
    let onError: ((err: unknown) => void) | undefined
    try {
      return await Promise.race([
        request(abort.signal),
        new Promise<never>((_, reject) => {
          onError = reject
          source?.once('error', reject)
        }),
      ])
    } catch (err) {
      abort.abort()
      throw err
    } finally {
      if (onError) source?.off('error', onError)
      signal?.removeEventListener('abort', stop)
    }
  }
}
