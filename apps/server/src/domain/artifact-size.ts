// The artifact size limit (MODELREG_MAX_ARTIFACT_BYTES), stated once: a declared size is refused before a byte is
// read, and bytes counted past the limit while streaming (the blob store's SizeLimitError) end the same way.
import { DomainError } from '../errors.js'

/** Refuses an artifact whose size (declared or counted) passes the limit; no limit, or no size yet, passes. */
export function checkArtifactSize(size: number | undefined, limit: number | undefined): void {
  if (limit !== undefined && size !== undefined && size > limit) {
    throw new DomainError('PAYLOAD_TOO_LARGE', `artifact is ${size} bytes; the limit is ${limit}`, { limit })
  }
}
