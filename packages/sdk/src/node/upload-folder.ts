// Upload a folder as the artifacts of a version: skip files the version already has (same path and sha256),
// send the others with a bounded number of requests in flight.
import type { Artifact, ArtifactList } from '@modelreg/contract'
import { type ApiClient, transportOf } from '../api-client.js'
import type { TransferOptions } from '../artifact-upload.js'
import { DEFAULT_ORG } from '../model-ref.js'
import { versionPath } from '../paths.js'
import { createLimiter, type RetryOptions } from '../retry.js'
import type { ApiClientOptions } from '../transport.js'
import { hashFile } from './file-hash.js'
import { type LocalFile, listFolderFiles } from './folder-files.js'
import type { UploadSessionStore } from './session-store.js'
import type { FileOutcome, TransferListener } from './transfer-events.js'
import { uploadFile } from './upload-file.js'

export interface UploadFolderOptions
  extends Pick<TransferOptions, 'partSize' | 'singleRequestLimit' | 'signal' | 'retry'> {
  client: ApiClient | ApiClientOptions
  org?: string
  name: string
  version: string
  folder: string
  /** Requests in flight at once, across all files (default 4). */
  concurrency?: number
  sessions?: UploadSessionStore
  onEvent?: TransferListener
}

export interface FolderUploadResult {
  files: {
    path: string
    size: number
    sha256: string
    outcome: FileOutcome
    /** Bytes an interrupted earlier run had already sent (resumed files). */
    resumedBytes: number
    artifact?: Artifact
  }[]
  /** Size of the files transferred (skipped ones excluded; resumed ones whole: less resumedBytes is this run). */
  bytes: number
}

/**
 * @example
 * const result = await uploadFolder({ client: { baseUrl, token }, name: 'resnet50', version: '1.1.0',
 *   folder: './out', onEvent: (e) => e.type === 'done' && console.log(e.path, e.outcome) })
 */
export async function uploadFolder(options: UploadFolderOptions): Promise<FolderUploadResult> {
  const { client, org = DEFAULT_ORG, name, version, folder, onEvent, signal } = options
  const transport = transportOf(client)
  const local = await listFolderFiles(folder)
  if (local.length === 0) throw new Error(`${folder} has no files to push`)
  const remote = await transport.json<ArtifactList>(`${versionPath(org, name, version)}/artifacts`, { signal })
  const remoteSha = new Map(remote.items.map((a) => [a.path, a.sha256]))

  // Hash every file once: it decides what to skip, and is declared to the registry, which verifies it.
  const hashed: (LocalFile & { sha256: string })[] = []
  const hashLimit = createLimiter(2)
  await Promise.all(
    local.map((f) =>
      hashLimit(async () => {
        onEvent?.({ type: 'hash', path: f.path, size: f.size })
        hashed.push({ ...f, sha256: (await hashFile(f.file, { signal })).sha256 })
      }),
    ),
  )
  hashed.sort((a, b) => (a.path < b.path ? -1 : 1))
  const plan = hashed.map((f) => ({
    path: f.path,
    size: f.size,
    action: remoteSha.get(f.path) === f.sha256 ? ('skip' as const) : ('transfer' as const),
  }))
  const totalBytes = plan.reduce((n, f) => n + (f.action === 'transfer' ? f.size : 0), 0)
  onEvent?.({ type: 'plan', files: plan, totalBytes })

  const limit = createLimiter(options.concurrency ?? 4)
  const results: FolderUploadResult['files'] = []
  // Files start in order; the shared limiter bounds their requests (parts of big files included).
  await settle(
    hashed.map(async (f, i) => {
      if (plan[i]?.action === 'skip') {
        onEvent?.({ type: 'done', path: f.path, size: f.size, outcome: 'skipped' })
        results.push({ path: f.path, size: f.size, sha256: f.sha256, outcome: 'skipped', resumedBytes: 0 })
        return
      }
      let resumedBytes = 0
      const retry: RetryOptions = {
        ...options.retry,
        onRetry: (error, attempt, delayMs) => onEvent?.({ type: 'retry', path: f.path, attempt, delayMs, error }),
      }
      const artifact = await uploadFile({
        client: transport.options,
        org,
        name,
        version,
        path: f.path,
        file: f.file,
        sha256: f.sha256,
        sessions: options.sessions,
        partSize: options.partSize,
        singleRequestLimit: options.singleRequestLimit,
        limit,
        retry,
        signal,
        onStart: (kept) => {
          resumedBytes = kept
          onEvent?.({ type: 'start', path: f.path, size: f.size, resumedBytes: kept })
        },
        onProgress: (bytes, size) => onEvent?.({ type: 'progress', path: f.path, bytes, size }),
      })
      const outcome: FileOutcome = resumedBytes > 0 ? 'resumed' : 'uploaded'
      onEvent?.({ type: 'done', path: f.path, size: f.size, outcome })
      results.push({ path: f.path, size: f.size, sha256: f.sha256, outcome, resumedBytes, artifact })
    }),
  )
  results.sort((a, b) => (a.path < b.path ? -1 : 1))
  return { files: results, bytes: totalBytes }
}

async function settle(tasks: Promise<void>[]): Promise<void> {
  const failed = (await Promise.allSettled(tasks)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}
