// Download every artifact of a version into a folder, a bounded number at a time, each verified and resumable.

import fs from 'node:fs/promises'
import type { ArtifactList, Version } from '@modelreg/contract'
import { type ApiClient, transportOf } from '../api-client.js'
import { DEFAULT_ORG } from '../model-ref.js'
import { versionPath } from '../paths.js'
import { createLimiter, type RetryOptions } from '../retry.js'
import type { ApiClientOptions } from '../transport.js'
import { downloadFile } from './download-file.js'
import { hashFile } from './file-hash.js'
import { localPathOf } from './folder-files.js'
import type { FileOutcome, TransferListener } from './transfer-events.js'

export interface DownloadVersionOptions {
  client: ApiClient | ApiClientOptions
  org?: string
  name: string
  /** Any version reference: 1.2.0, 'latest', a stage, an alias ('champion') or a range ('^1.2'). */
  version: string
  folder: string
  /** Files downloading at once (default 4). */
  concurrency?: number
  retry?: RetryOptions
  signal?: AbortSignal
  onEvent?: TransferListener
}

export interface VersionDownloadResult {
  /** The version fetched (the reference resolved). */
  version: Version
  files: {
    path: string
    size: number
    sha256: string
    file: string
    outcome: FileOutcome
    /** Bytes of a partial file from an interrupted earlier run that were kept. */
    resumedBytes: number
  }[]
  /** Size of the files fetched (kept ones excluded; resumed ones whole: less resumedBytes is this run). */
  bytes: number
}

/**
 * Files already in the folder with the right sha256 are kept; a file whose bytes differ is fetched again
 * (outcome "repaired"); an interrupted download resumes from its partial file.
 * @example
 * const { files } = await downloadVersion({ client: { baseUrl, token }, name: 'resnet50', version: 'latest',
 *   folder: './resnet50' })
 */
export async function downloadVersion(options: DownloadVersionOptions): Promise<VersionDownloadResult> {
  const { client, org = DEFAULT_ORG, name, folder, onEvent, signal } = options
  const transport = transportOf(client)
  const version = await transport.json<Version>(versionPath(org, name, options.version), { signal })
  const { items } = await transport.json<ArtifactList>(`${versionPath(org, name, version.version)}/artifacts`, {
    signal,
  })
  const targets = items.map((a) => ({ artifact: a, file: localPathOf(folder, a.path) }))

  // Existing files are checked first, so that the plan (and the total to fetch) is known before bytes move.
  const existing = new Map<string, 'same' | 'differs'>()
  const hashLimit = createLimiter(2)
  await Promise.all(
    targets.map(({ artifact, file }) =>
      hashLimit(async () => {
        const stat = await fs.stat(file).catch(() => undefined)
        if (!stat?.isFile()) return
        if (stat.size !== artifact.size) return existing.set(artifact.path, 'differs')
        onEvent?.({ type: 'hash', path: artifact.path, size: artifact.size })
        const { sha256 } = await hashFile(file, { signal })
        existing.set(artifact.path, sha256 === artifact.sha256 ? 'same' : 'differs')
      }),
    ),
  )
  const plan = targets.map(({ artifact }) => ({
    path: artifact.path,
    size: artifact.size,
    action: existing.get(artifact.path) === 'same' ? ('skip' as const) : ('transfer' as const),
  }))
  const totalBytes = plan.reduce((n, f) => n + (f.action === 'transfer' ? f.size : 0), 0)
  onEvent?.({ type: 'plan', files: plan, totalBytes })

  const limit = createLimiter(options.concurrency ?? 4)
  const files: VersionDownloadResult['files'] = []
  const results = await Promise.allSettled(
    targets.map(({ artifact, file }) =>
      limit(async () => {
        const base = { path: artifact.path, size: artifact.size, sha256: artifact.sha256, file, resumedBytes: 0 }
        if (existing.get(artifact.path) === 'same') {
          onEvent?.({ type: 'done', path: artifact.path, size: artifact.size, outcome: 'skipped' })
          files.push({ ...base, outcome: 'skipped' })
          return
        }
        const { resumedBytes } = await downloadFile({
          transport,
          org,
          name,
          version: version.version,
          artifact,
          target: file,
          signal,
          retry: {
            ...options.retry,
            onRetry: (error, attempt, delayMs) =>
              onEvent?.({ type: 'retry', path: artifact.path, attempt, delayMs, error }),
          },
          onStart: (resumedBytes) =>
            onEvent?.({ type: 'start', path: artifact.path, size: artifact.size, resumedBytes }),
          onProgress: (bytes, size) => onEvent?.({ type: 'progress', path: artifact.path, bytes, size }),
        })
        const outcome: FileOutcome =
          existing.get(artifact.path) === 'differs' ? 'repaired' : resumedBytes > 0 ? 'resumed' : 'downloaded'
        onEvent?.({ type: 'done', path: artifact.path, size: artifact.size, outcome })
        files.push({ ...base, outcome, resumedBytes })
      }),
    ),
  )
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  files.sort((a, b) => (a.path < b.path ? -1 : 1))
  return { version, files, bytes: totalBytes }
}
