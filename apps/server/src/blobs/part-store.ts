// The extension point for the parts of resumable uploads: numbered pieces of one upload session, kept where every
// replica sees them (the local blob directory, or the bucket), until the session completes or is dropped.
import type { Readable } from 'node:stream'
import type { BlobInfo } from './blob-store.js'

/**
 * Parts of upload sessions, by upload id (a UUID) and part number. A part is written whole or not at all, and a
 * second write of the same number replaces the first only once it has arrived whole and verified. Any replica may
 * write any part and any replica may read them back: nothing lives in one process.
 *
 * @example
 * const info = await parts.write(id, 2, req.raw, { maxBytes: room, expectedSha256 })
 * // ... later, on any replica, one pass over the bytes into the blob store:
 * const staged = await blobs.stage(parts.read(id, [1, 2, 3]), { expectedSha256: session.sha256 })
 * await parts.remove(id)
 */
export interface PartStore {
  write(uploadId: string, number: number, body: Readable, opts: PartWriteOptions): Promise<BlobInfo>
  /** The parts, in the given order, as one stream (a missing part fails the stream). */
  read(uploadId: string, numbers: readonly number[]): Readable
  /** Drops every part of the upload; nothing stored is not an error. */
  remove(uploadId: string): Promise<void>
  /** Upload ids that have anything stored (sessions that live, and leftovers of sessions that do not). */
  list(): Promise<string[]>
}

export interface PartWriteOptions {
  /** Refuse (and keep nothing) as soon as more than this many bytes arrive. */
  maxBytes?: number
  /** Refuse (and keep nothing) if the digest of what arrived differs. */
  expectedSha256?: string
  signal?: AbortSignal
  /**
   * The byte count the client declared (its Content-Length), when it did: lets a backend send the part on in one
   * streamed request. A body that ends short of it, or runs past it, fails the write.
   */
  length?: number
}

const UPLOAD_ID = /^[0-9a-f-]{36}$/

/** Upload ids become paths and keys: anything else is a bug of the caller. */
export function checkUploadId(uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw new Error(`not an upload id: ${uploadId}`)
  return uploadId
}

export const isUploadId = (name: string): boolean => UPLOAD_ID.test(name)
