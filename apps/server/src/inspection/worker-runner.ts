// Runs one file's inspection in a worker thread with hard limits: heap size (resourceLimits), wall time (the thread
// is terminated) and bytes read (the parsers' budget). The blob store stays on this thread and answers the worker's
// ranged reads; a thread that dies for any reason gives an `unscannable` result, never an error to the caller.
import { Worker } from 'node:worker_threads'
import type { BlobStore } from '../blobs/blob-store.js'
import type { FromWorker, ToWorker, WorkerInput } from './inspection-worker.js'
import type { FileInspection } from './result.js'
import { defaultLimits, type InspectionLimits } from './source.js'

export interface WorkerLimits {
  timeoutMs: number
  maxHeapMb: number
  parser: InspectionLimits
}

export const defaultWorkerLimits: WorkerLimits = { timeoutMs: 60_000, maxHeapMb: 256, parser: defaultLimits }

/** Largest single read the worker may ask for (its parsers read headers and members, never whole weights). */
const MAX_READ = 64 * 1024 * 1024

function workerScript(): { script: string | URL; eval: boolean } {
  const url = new URL(`./inspection-worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)
  if (!url.pathname.endsWith('.ts')) return { script: url, eval: false }
  // Running from TypeScript sources (tests, `npm run dev`): the thread registers tsx before loading the entry.
  return {
    script: `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(url.href)}) })`,
    eval: true,
  }
}

async function readRange(blobs: BlobStore, sha256: string, offset: number, length: number): Promise<Uint8Array> {
  if (length <= 0) return new Uint8Array(0)
  const stream = await blobs.get(sha256, { range: { start: offset, end: offset + length - 1 } })
  // A fresh buffer of its own: it is transferred to the worker, and a Buffer may share Node's pool.
  const out = new Uint8Array(length)
  let at = 0
  for await (const chunk of stream) {
    const b = chunk as Buffer
    out.set(b.subarray(0, Math.max(0, length - at)), at)
    at += b.length
  }
  return at >= length ? out : out.subarray(0, at)
}

export function inspectInWorker(
  blobs: BlobStore,
  file: { sha256: string; name: string; size: number },
  limits: WorkerLimits = defaultWorkerLimits,
): Promise<FileInspection> {
  const failed = (code: string, detail: string): FileInspection => ({
    format: 'unknown',
    summary: {},
    findings: [{ level: 'unscannable', code, detail }],
  })
  return new Promise((resolve) => {
    const { script, eval: isEval } = workerScript()
    const input: WorkerInput = { name: file.name, size: file.size, limits: limits.parser }
    const worker = new Worker(script, {
      eval: isEval,
      workerData: input,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
    })
    let settled = false
    const settle = (r: FileInspection) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(r)
      void worker.terminate()
    }
    const timer = setTimeout(
      () => settle(failed('time-limit', `inspection took longer than ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    )
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'result') {
        settle(msg.inspection as FileInspection)
        return
      }
      const length = Math.min(msg.length, MAX_READ, Math.max(0, file.size - msg.offset))
      readRange(blobs, file.sha256, msg.offset, length).then(
        (bytes) => {
          if (!settled)
            worker.postMessage({ type: 'data', id: msg.id, bytes } satisfies ToWorker, [bytes.buffer as ArrayBuffer])
        },
        (err: unknown) => {
          if (!settled) {
            worker.postMessage({
              type: 'error',
              id: msg.id,
              message: err instanceof Error ? err.message : 'read failed',
            } satisfies ToWorker)
          }
        },
      )
    })
    worker.on('error', (err: Error & { code?: string }) => {
      settle(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? failed('memory-limit', `inspection needed more than ${limits.maxHeapMb} MB of memory`)
          : failed('inspection-error', 'the inspection could not complete'),
      )
    })
    worker.on('exit', () => settle(failed('inspection-error', 'the inspection could not complete')))
  })
}
