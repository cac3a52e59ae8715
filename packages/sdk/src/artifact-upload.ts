// Uploading the bytes of one artifact, whatever holds them (a Blob in a browser, a file in Node): one PUT for
// small files, a resumable upload session for large ones, each request retried on network errors and 5xx.
import type { Artifact, UploadSession } from '@modelreg/contract'
import { ModelregError } from './errors.js'
import { artifactPath, uploadPartPath } from './paths.js'
import { createLimiter, type Limiter, type RetryOptions, withRetries } from './retry.js'
import type { Transport } from './transport.js'

export const MiB = 1024 * 1024

/** Where the bytes come from. `body` is called again for each attempt, so a retry resends from the start. */
export interface ByteSource {
  size: number
  /**
   * The request body for bytes [start, end). A source that can see its bytes leave calls `onBytes` as they
   * do; otherwise the whole range counts once the request succeeds.
   */
  body(start: number, end: number, onBytes: (n: number) => void): { body: BodyInit; duplex?: 'half'; counts: boolean }
}

export interface ArtifactTarget {
  org: string
  name: string
  version: string
  /** Path within the version, e.g. weights/model.safetensors */
  path: string
}

export interface TransferOptions {
  /** Hex sha256 of the whole file when known: verified by the registry, nothing is stored on a mismatch. */
  sha256?: string
  mediaType?: string
  /** Files up to this size go in one request (default 32 MiB); larger ones in parts. */
  singleRequestLimit?: number
  /** Part size of resumable uploads (default 16 MiB; 5 MiB–1 GiB). */
  partSize?: number
  /** Parallel part requests of this file (default 3); ignored when `limit` is shared. */
  concurrency?: number
  /** A limiter shared by several transfers, to bound the total number of requests in flight. */
  limit?: Limiter
  retry?: RetryOptions
  signal?: AbortSignal
  /** Bytes sent so far and the total; goes back down when a failed request is sent again. */
  onProgress?: (sentBytes: number, totalBytes: number) => void
  /** Told once the transfer starts, with the bytes an earlier interrupted attempt already sent (0 if none). */
  onStart?: (resumedBytes: number) => void
  /** Resume this upload session (from onSession of an earlier, interrupted attempt). */
  uploadId?: string
  /** Told the id of the session a large upload uses, to resume it after a crash. */
  onSession?: (uploadId: string) => void
}

export async function uploadBytes(
  transport: Transport,
  target: ArtifactTarget,
  source: ByteSource,
  opts: TransferOptions = {},
): Promise<Artifact> {
  const singleLimit = opts.singleRequestLimit ?? 32 * MiB
  const progress = new ProgressCounter(source.size, opts.onProgress)
  if (source.size <= singleLimit) {
    opts.onStart?.(0)
    return putWhole(transport, target, source, opts, progress)
  }
  return uploadInParts(transport, target, source, opts, progress)
}

async function putWhole(
  transport: Transport,
  target: ArtifactTarget,
  source: ByteSource,
  opts: TransferOptions,
  progress: ProgressCounter,
): Promise<Artifact> {
  const limit = opts.limit ?? createLimiter(1)
  const headers: Record<string, string> = { 'content-type': opts.mediaType || 'application/octet-stream' }
  if (opts.sha256) headers['x-checksum-sha256'] = opts.sha256
  return withRetries(
    () =>
      limit(() =>
        progress.attempt(source.size, async (onBytes) => {
          const { body, duplex, counts } = source.body(0, source.size, onBytes)
          const res = await transport.send(artifactPath(target.org, target.name, target.version, target.path), {
            method: 'PUT',
            headers,
            body,
            signal: opts.signal,
            ...(duplex && { duplex }),
          })
          if (!counts) onBytes(source.size)
          return transport.readJson<Artifact>(res)
        }),
      ),
    { ...opts.retry, signal: opts.signal },
  )
}

async function uploadInParts(
  transport: Transport,
  target: ArtifactTarget,
  source: ByteSource,
  opts: TransferOptions,
  progress: ProgressCounter,
): Promise<Artifact> {
  const partSize = opts.partSize ?? 16 * MiB
  if (partSize < 5 * MiB || partSize > 1024 * MiB) throw new RangeError('partSize must be between 5 MiB and 1 GiB')
  const count = Math.max(1, Math.ceil(source.size / partSize))
  if (count > 10_000) throw new RangeError(`${count} parts of ${partSize} bytes exceed 10000; use a larger partSize`)
  const limit = opts.limit ?? createLimiter(opts.concurrency ?? 3)
  const retry = { ...opts.retry, signal: opts.signal }

  for (let round = 0; ; round++) {
    const session = await openSession(transport, target, source.size, opts, round === 0 ? opts.uploadId : undefined)
    opts.onSession?.(session.id)
    // Parts already received with the right size are kept: that is the resume.
    const received = new Map(session.parts.map((p) => [p.number, p.size]))
    const bounds = Array.from({ length: count }, (_, i) => {
      const start = i * partSize
      return { n: i + 1, start, end: Math.min(source.size, start + partSize) }
    })
    const kept = bounds.filter((b) => received.get(b.n) === b.end - b.start)
    const reused = kept.length > 0
    const keptBytes = kept.reduce((sum, b) => sum + b.end - b.start, 0)
    if (round === 0) opts.onStart?.(keptBytes)
    progress.reset()
    progress.add(keptBytes)
    const sends: Promise<void>[] = []
    for (const { n, start, end } of bounds) {
      if (received.get(n) === end - start) continue
      sends.push(
        withRetries(
          () =>
            limit(() =>
              progress.attempt(end - start, async (onBytes) => {
                const { body, duplex, counts } = source.body(start, end, onBytes)
                await transport.send(uploadPartPath(session.id, n), {
                  method: 'PUT',
                  headers: { 'content-type': 'application/octet-stream' },
                  body,
                  signal: opts.signal,
                  ...(duplex && { duplex }),
                })
                if (!counts) onBytes(end - start)
              }),
            ),
          retry,
        ),
      )
    }
    await settleAll(sends)
    try {
      const parts = Array.from({ length: count }, (_, i) => i + 1)
      return await withRetries(
        () =>
          transport.json<Artifact>(`/api/v1/uploads/${encodeURIComponent(session.id)}/complete`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ parts }),
            signal: opts.signal,
          }),
        retry,
      )
    } catch (err) {
      // A part kept from an interrupted attempt may hold other bytes (the file changed): start over once.
      if (!(err instanceof ModelregError && err.code === 'CHECKSUM_MISMATCH' && reused && round === 0)) throw err
      await transport.send(`/api/v1/uploads/${encodeURIComponent(session.id)}`, { method: 'DELETE' }).catch(() => {})
    }
  }
}

/** The session to resume when it still fits this file, else a new one. */
async function openSession(
  transport: Transport,
  target: ArtifactTarget,
  size: number,
  opts: TransferOptions,
  resumeId: string | undefined,
): Promise<UploadSession> {
  if (resumeId) {
    const existing = await transport
      .json<UploadSession>(`/api/v1/uploads/${encodeURIComponent(resumeId)}`, { signal: opts.signal })
      .catch((err: unknown) => {
        // Expired, completed or someone else's: start afresh rather than fail.
        if (err instanceof ModelregError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED')) return
        throw err
      })
    const sameFile =
      existing &&
      existing.path === target.path &&
      existing.version === target.version &&
      existing.model === `${target.org}/${target.name}` &&
      existing.size === size &&
      (opts.sha256 === undefined || existing.sha256 === opts.sha256)
    if (existing && sameFile) return existing
  }
  const body = { path: target.path, size, ...(opts.sha256 && { sha256: opts.sha256 }) }
  return withRetries(
    () =>
      transport.json<UploadSession>(
        `/api/v1/models/${encodeURIComponent(target.org)}/${encodeURIComponent(target.name)}/versions/${encodeURIComponent(target.version)}/uploads`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(opts.mediaType ? { ...body, mediaType: opts.mediaType } : body),
          signal: opts.signal,
        },
      ),
    { ...opts.retry, signal: opts.signal },
  )
}

/** Waits for every part; the first failure wins, but only after the others have stopped using the file. */
async function settleAll(tasks: Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(tasks)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}

/** Sums bytes sent by concurrent requests and takes back those of a failed attempt. */
class ProgressCounter {
  private sent = 0
  constructor(
    private readonly total: number,
    private readonly report?: (sent: number, total: number) => void,
  ) {}

  reset(): void {
    this.sent = 0
  }

  add(n: number): void {
    this.sent += n
    this.report?.(this.sent, this.total)
  }

  async attempt<T>(max: number, send: (onBytes: (n: number) => void) => Promise<T>): Promise<T> {
    let counted = 0
    // A body stream may still be read after its request failed: such late bytes must not count.
    let open = true
    try {
      return await send((n) => {
        const step = open ? Math.min(n, max - counted) : 0
        counted += step
        if (step > 0) this.add(step)
      })
    } catch (err) {
      this.add(-counted)
      throw err
    } finally {
      open = false
    }
  }
}
