// The extension point for bytes: immutable, content-addressed blobs keyed by sha256 hex digest.
import type { Readable } from 'node:stream'

export interface BlobInfo {
  sha256: string
  size: number
}

/** Inclusive byte range, as HTTP Range speaks it. */
export interface ByteRange {
  start: number
  end: number
}

/**
 * Bytes written in two steps so the database decides when they become visible:
 * `stage()` streams to a temporary object while hashing (and checks the expected digest and size limit);
 * the caller then records the blob and calls `commit()` (atomic rename / multipart complete) inside its
 * transaction, or `discard()`.
 *
 * @example
 * const staged = await blobs.stage(req.raw, { signal, expectedSha256 })
 * try { await db.transaction(async () => { await upsertBlobRow(staged.info); await staged.commit() }) }
 * finally { await staged.discard() }
 */
export interface BlobStore {
  stage(body: Readable, opts: StageOptions): Promise<StagedBlob>
  /**
   * The bytes (or an inclusive range of them). Bytes the store does not have reject with `BlobMissingError`
   * before the stream is returned, ranged or not: each backend translates its own not-found (fs ENOENT, S3
   * NoSuchKey) at this edge, so callers never see a backend's error for it.
   */
  get(sha256: string, opts?: { range?: ByteRange; signal?: AbortSignal }): Promise<Readable>
  /** Size and digest of stored bytes; `undefined` (not an error) when the store does not have them. */
  stat(sha256: string): Promise<BlobInfo | undefined>
  delete(sha256: string): Promise<void>
  /** Backends that can hand a download to someone else (a presigned URL) implement this. */
  presignGet?(sha256: string, opts: PresignOptions): Promise<string>
  /**
   * Backends whose bytes are files on this machine: the file holding a blob, for readers on other threads (the
   * inspection workers) to open read-only themselves instead of streaming through the main thread.
   */
  localPath?(sha256: string): string
}

export interface PresignOptions {
  expiresInSeconds: number
  /** Sent back by the storage as Content-Disposition / Content-Type of the response. */
  filename: string
  contentType: string
}

export interface StageOptions {
  signal?: AbortSignal
  /** Refuse (and keep nothing) if the digest of what arrived differs. */
  expectedSha256?: string
  /** Refuse as soon as more than this many bytes arrive. */
  maxBytes?: number
  /**
   * The byte count the body will have, when the caller knows it (a declared Content-Length): a backend may then
   * stream it on in one request. A body that ends short of it, or runs past it, fails the stage.
   */
  length?: number
}

export interface StagedBlob {
  readonly info: BlobInfo
  /** Makes the bytes visible under their digest; idempotent; replaces an existing copy atomically. */
  commit(): Promise<void>
  /** Removes the temporary object if it was not committed; safe to call always. */
  discard(): Promise<void>
}

export class ChecksumMismatchError extends Error {
  constructor(
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`checksum mismatch: expected sha256 ${expected}, received ${actual}`)
  }
}

/** get() of a digest whose bytes the store does not have (deleted behind the registry's back, a lost bucket). */
export class BlobMissingError extends Error {
  override readonly name = 'BlobMissingError'
  constructor(readonly sha256: string) {
    super(`blob ${sha256} is not in the blob store`)
  }
}

export class SizeLimitError extends Error {
  constructor(readonly limit: number) {
    super(`body exceeds the size limit of ${limit} bytes`)
  }
}

export const SHA256_HEX = /^[0-9a-f]{64}$/
