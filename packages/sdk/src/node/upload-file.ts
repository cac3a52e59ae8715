// Upload one file from disk: hashed once, streamed, resumable across runs when a session store is given.

import fs from 'node:fs/promises'
import type { Artifact } from '@modelreg/contract'
import { type ApiClient, transportOf } from '../api-client.js'
import { type ArtifactTarget, type TransferOptions, uploadBytes } from '../artifact-upload.js'
import { DEFAULT_ORG } from '../model-ref.js'
import type { ApiClientOptions } from '../transport.js'
import { hashFile } from './file-hash.js'
import { fileSource } from './file-source.js'
import type { UploadSessionStore } from './session-store.js'

export interface UploadFileOptions extends Omit<ArtifactTarget, 'org'>, Omit<TransferOptions, 'uploadId'> {
  client: ApiClient | ApiClientOptions
  /** Organisation; default "default". */
  org?: string
  /** The file on disk. */
  file: string
  /** Remembers the session of a large file so that a later call resumes it. */
  sessions?: UploadSessionStore
}

/**
 * @example
 * await uploadFile({ client: { baseUrl, token }, name: 'resnet50', version: '1.1.0',
 *   path: 'weights/model.safetensors', file: './out/model.safetensors',
 *   onProgress: (sent, total) => console.log(sent, total) })
 */
export async function uploadFile(options: UploadFileOptions): Promise<Artifact> {
  const { client, org = DEFAULT_ORG, name, version, path, file, sessions, ...transfer } = options
  const transport = transportOf(client)
  const { size } = await fs.stat(file)
  const sha256 = transfer.sha256 ?? (await hashFile(file, { signal: transfer.signal })).sha256
  const key = `${transport.baseUrl} ${org}/${name}@${version} ${path} ${sha256} ${size}`
  const uploadId = await sessions?.get(key)
  const artifact = await uploadBytes(transport, { org, name, version, path }, fileSource(file, size, transfer.signal), {
    ...transfer,
    sha256,
    uploadId,
    onSession: (id) => {
      transfer.onSession?.(id)
      // Awaited implicitly by the next write; a failed write only costs the resume.
      sessions?.set(key, id).catch(() => {})
    },
  })
  await sessions?.delete(key)
  return artifact
}
