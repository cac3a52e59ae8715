// Shared by the artifact and upload routes: the response shape and the checksum headers.
import type { Artifact } from '@modelreg/contract'
import { ValidationError } from '../errors.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'

export function toArtifactResponse(a: ArtifactRecord): Artifact {
  return {
    path: a.path,
    size: a.size,
    sha256: a.sha256,
    mediaType: a.mediaType,
    createdBy: a.createdBy,
    createdAt: a.createdAt,
    downloadCount: a.downloadCount,
  }
}

/** x-checksum-sha256 (hex) or Digest: sha-256=<base64>, as lower-case hex; refuses a malformed value. */
export function expectedDigest(headers: Record<string, string | string[] | undefined>): string | undefined {
  const hex = headers['x-checksum-sha256']
  if (typeof hex === 'string') {
    if (!/^[0-9a-fA-F]{64}$/.test(hex))
      throw new ValidationError('x-checksum-sha256 must be 64 hex characters', { field: 'x-checksum-sha256' })
    return hex.toLowerCase()
  }
  const digest = headers.digest
  if (typeof digest === 'string') {
    const entry = digest
      .split(',')
      .map((s) => s.trim())
      .find((s) => /^sha-256=/i.test(s))
    const bytes = entry ? Buffer.from(entry.slice(8), 'base64') : undefined
    if (bytes?.length !== 32)
      throw new ValidationError('Digest must carry sha-256=<base64 of 32 bytes>', { field: 'digest' })
    return bytes.toString('hex')
  }
  return undefined
}

/** A body's declared Content-Length, which lets storage stream it on in one request; none when chunked or nonsense. */
export function declaredLength(header: string | undefined): number | undefined {
  const n = Number(header)
  return header !== undefined && /^\d+$/.test(header) && Number.isSafeInteger(n) ? n : undefined
}
