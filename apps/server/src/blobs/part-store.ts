// The extension point for the parts of resumable uploads: numbered pieces of one upload session, kept where every
// replica sees them (the local blob directory, or the bucket), until the session completes or is dropped.
import type { Readable } from 'node:stream'
import type { BlobInfo, StagedBlob, StageOptions } from './blob-store.js'

/**
 * Parts of upload sessions, by upload id (a UUID) and part number. A part is written whole or not at all, and a
 * second write of the same number replaces the first only once it has arrived whole. Any replica may write any part
 * and any replica may assemble them: nothing lives in one process. What a store needs to find a session's parts
 * again it hands out once (`open`, kept with the session) and per part (`tag`, kept with the part).
 *
 * @example
 * const handle = await parts.open(id) // stored with the session
 * const { sha256, size, tag } = await parts.write(id, 2, req.raw, { handle, maxBytes: room, length })
 * // ... later, on any replica, the parts in order become one staged blob, its digest verified:
 * const staged = await parts.assemble(id, session.parts, { handle, expectedSha256: session.sha256 })
 * await parts.remove(id)
 */
export interface PartStore {
  /** A session starts: the store's handle for its parts (S3: its multipart upload), or null when it needs none. */
  open(uploadId: string): Promise<string | null>
  /** Drops a handle `open` gave that was not kept (and whatever was stored under it). */
  closeHandle(uploadId: string, handle: string): Promise<void>
  write(uploadId: string, number: number, body: Readable, opts: PartWriteOptions): Promise<WrittenPart>
  /**
   * The parts, in the order given, as one blob staged in the blob store (its sha256 computed and checked as
   * `BlobStore.stage` does). Rejects with `PartsChangedError` when a part is no longer what was recorded, and with
   * `PartsDroppedError` when assembling failed after some parts were used up (they must be sent again).
   */
  assemble(uploadId: string, parts: readonly StoredPart[], opts: AssembleOptions): Promise<StagedBlob>
  /** Drops every part of the upload (and the store's handle); nothing stored is not an error. */
  remove(uploadId: string): Promise<void>
  /** Upload ids that have anything stored (sessions that live, and leftovers of sessions that do not). */
  list(): Promise<string[]>
  /**
   * Whether a part of this declared length can join a running digest of the file (`PartWriteOptions.keep`,
   * `AssembleOptions.hashed`), sparing `assemble` a read of it. Stores without the method never use one.
   */
  takesRunningDigest?(length: number | undefined): boolean
}

export interface WrittenPart extends BlobInfo {
  /** What the store needs to know of this copy of the part again (S3: the multipart part's ETag); null if nothing. */
  tag: string | null
  /** The part's bytes, when `keep` asked for them and the part can join a running digest (it has a tag). */
  bytes?: readonly Buffer[]
}

export interface StoredPart extends WrittenPart {
  number: number
}

export interface PartWriteOptions {
  /** The session's handle, as `open` returned it (null for sessions started without one). */
  handle?: string | null
  /** Refuse (and keep nothing) as soon as more than this many bytes arrive. */
  maxBytes?: number
  /** Refuse if the digest of what arrived differs (a store keeps the earlier copy where it can). */
  expectedSha256?: string
  signal?: AbortSignal
  /**
   * The byte count the client declared (its Content-Length), when it did: lets a backend send the part on in one
   * streamed request. A body that ends short of it, or runs past it, fails the write.
   */
  length?: number
  /** Hand back the bytes written (in memory) if the part can join a running digest (`takesRunningDigest`). */
  keep?: boolean
}

export interface AssembleOptions extends Pick<StageOptions, 'expectedSha256' | 'maxBytes' | 'signal'> {
  handle?: string | null
  /**
   * Parts 1..`parts` (each with the tag recorded) already went through a running sha256 (blobs/running-sha256.ts)
   * whose state is `state`: a store that takes running digests reads only the parts after them.
   */
  hashed?: { parts: number; state: string }
}

/** Parts whose stored copy is not the one recorded (a resend that failed its digest check replaced it). */
export class PartsChangedError extends Error {
  constructor(readonly numbers: readonly number[]) {
    super(`part${numbers.length > 1 ? 's' : ''} ${numbers.join(', ')} changed since received`)
  }
}

/** Assembling failed after these parts were used up: they are gone, and the store needs a new handle (`open`). */
export class PartsDroppedError extends Error {
  constructor(
    readonly numbers: readonly number[],
    override readonly cause: unknown,
  ) {
    super(`parts ${numbers.join(', ')} were used up by a failed assembly`, { cause })
  }
}

/** A part written with a handle the store no longer knows (the session was completed, aborted or reopened). */
export class StaleHandleError extends Error {
  constructor(readonly uploadId: string) {
    super(`upload ${uploadId} changed while a part arrived`)
  }
}

const UPLOAD_ID = /^[0-9a-f-]{36}$/

/** Upload ids become paths and keys: anything else is a bug of the caller. */
export function checkUploadId(uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw new Error(`not an upload id: ${uploadId}`)
  return uploadId
}

export const isUploadId = (name: string): boolean => UPLOAD_ID.test(name)
