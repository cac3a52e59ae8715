// uploadArtifact: send a Blob (a browser File) as an artifact of a version. Browser-safe.
import type { Artifact } from '@modelreg/contract'
import { type ApiClient, transportOf } from './api-client.js'
import { type ArtifactTarget, type ByteSource, type TransferOptions, uploadBytes } from './artifact-upload.js'
import { DEFAULT_ORG } from './model-ref.js'
import type { ApiClientOptions } from './transport.js'

export interface UploadArtifactOptions extends Omit<ArtifactTarget, 'org'>, TransferOptions {
  /** A client from createApiClient, or the options to connect with. */
  client: ApiClient | ApiClientOptions
  /** Organisation; default "default". */
  org?: string
  file: Blob
}

/**
 * Uploads one file: one request up to 32 MiB, otherwise a resumable session whose parts go 3 at a time and
 * are retried on network errors and 5xx. Progress moves as requests complete (fetch cannot report the bytes
 * of a request body as they leave a browser).
 * @example
 * const artifact = await uploadArtifact({
 *   client: api, name: 'resnet50', version: '1.1.0', path: file.name, file,
 *   onProgress: (sent, total) => setPercent((100 * sent) / total),
 * })
 */
export function uploadArtifact(options: UploadArtifactOptions): Promise<Artifact> {
  const { client, org = DEFAULT_ORG, name, version, path, file, ...transfer } = options
  const source: ByteSource = {
    size: file.size,
    body: (start, end) => ({ body: start === 0 && end === file.size ? file : file.slice(start, end), counts: false }),
  }
  const mediaType = transfer.mediaType ?? (file.type || undefined)
  return uploadBytes(transportOf(client), { org, name, version, path }, source, { ...transfer, mediaType })
}
