// Runs files' inspections in a small pool of long-lived worker threads, one job per thread at a time, with hard
// limits per job: heap size (the thread's resourceLimits), wall time (past it the thread is terminated and a fresh
// one replaces it) and bytes read (the parsers' budget). The threads run at a lower priority (nice) than the main
// thread, which handles requests. A blob kept in a local file is read by the worker itself (the main thread only
// hands over the job and takes the result); other stores stay on the main thread and answer the workers' ranged
// reads. A job whose thread dies for any reason gives an `unscannable` result, never an error to the caller.
import { Worker } from 'node:worker_threads'
import type { BlobStore } from '../blobs/blob-store.js'
import type { FromWorker, ToWorker, WorkerInput } from './inspection-worker.js'
import type { FileInspection } from './result.js'
import { defaultLimits, type InspectionLimits, MAX_SINGLE_READ } from './source.js'

export interface WorkerLimits {
  timeoutMs: number
  maxHeapMb: number
  parser: InspectionLimits
}

export const defaultWorkerLimits: WorkerLimits = { timeoutMs: 60_000, maxHeapMb: 256, parser: defaultLimits }

export interface PoolOptions {
  /** Threads at most (each runs one file at a time). */
  size: number
  limits?: WorkerLimits
  /** Niceness of the threads on Linux (0 = as the process; 19 = lowest). */
  nice?: number
}

export interface InspectedFile {
  sha256: string
  name: string
  size: number
}

/** The blob's file when the store keeps files on this machine: the worker reads it itself (BlobStore.localPath). */
function localFile(blobs: BlobStore, sha256: string): string | undefined {
  try {
    return blobs.localPath?.(sha256)
  } catch {
    return undefined
  }
}

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

const failed = (code: string, detail: string): FileInspection => ({
  format: 'unknown',
  summary: {},
  findings: [{ level: 'unscannable', code, detail }],
})

interface Job {
  id: number
  blobs: BlobStore
  file: InspectedFile
  timeoutMs: number
  resolve: (r: FileInspection) => void
}

/** One thread of the pool and the job it runs, if any. */
class PoolThread {
  readonly worker: Worker
  job: Job | undefined
  dead = false
  /** Settles when the thread has loaded the parsers (or died). */
  readonly ready: Promise<void>
  private markReady: () => void = () => {}
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly limits: WorkerLimits,
    nice: number,
    /** Called when the thread is free again (alive) or gone (dead). */
    private readonly released: (t: PoolThread) => void,
  ) {
    this.ready = new Promise((resolve) => {
      this.markReady = resolve
    })
    const { script, eval: isEval } = workerScript()
    this.worker = new Worker(script, {
      eval: isEval,
      workerData: { nice } satisfies WorkerInput,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 32 },
    })
    this.worker.unref()
    this.worker.on('message', (msg: FromWorker) => this.onMessage(msg))
    this.worker.on('error', (err: Error & { code?: string }) => {
      this.die(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? failed('memory-limit', `inspection needed more than ${limits.maxHeapMb} MB of memory`)
          : failed('inspection-error', 'the inspection could not complete'),
      )
    })
    this.worker.on('exit', () => this.die(failed('inspection-error', 'the inspection could not complete')))
  }

  run(job: Job): void {
    this.job = job
    this.worker.ref()
    this.timer = setTimeout(
      () => this.die(failed('time-limit', `inspection took longer than ${job.timeoutMs} ms`)),
      job.timeoutMs,
    )
    const { name, size, sha256 } = job.file
    const path = localFile(job.blobs, sha256)
    this.worker.postMessage({
      type: 'job',
      job: job.id,
      input: { name, size, limits: this.limits.parser, ...(path !== undefined && { path }) },
    } satisfies ToWorker)
  }

  /** Ends the current job with `result` and the thread with it (a stopped thread may hold anything). */
  die(result: FileInspection): void {
    if (this.dead) return
    this.dead = true
    this.markReady()
    this.finish(result)
    void this.worker.terminate()
    this.released(this)
  }

  private finish(result: FileInspection): void {
    const job = this.job
    if (!job) return
    this.job = undefined
    clearTimeout(this.timer)
    this.worker.unref()
    job.resolve(result)
  }

  private onMessage(msg: FromWorker): void {
    if (msg.type === 'ready') {
      this.markReady()
      return
    }
    const job = this.job
    if (this.dead || !job || msg.job !== job.id) return
    if (msg.type === 'result') {
      this.finish(msg.inspection as FileInspection)
      this.released(this)
      return
    }
    const length = Math.min(msg.length, MAX_SINGLE_READ, Math.max(0, job.file.size - msg.offset))
    readRange(job.blobs, job.file.sha256, msg.offset, length).then(
      (bytes) => {
        if (this.job === job)
          this.worker.postMessage({ type: 'data', id: msg.id, bytes } satisfies ToWorker, [bytes.buffer as ArrayBuffer])
      },
      (err: unknown) => {
        if (this.job === job) {
          const message = err instanceof Error ? err.message : 'read failed'
          this.worker.postMessage({ type: 'error', id: msg.id, message } satisfies ToWorker)
        }
      },
    )
  }
}

/**
 * A few long-lived inspection threads (started on first use, kept while the pool is open): a file pays no thread
 * start-up, and a job past a limit costs only its own thread, which is replaced on the next job.
 */
export class InspectionPool {
  private readonly threads = new Set<PoolThread>()
  private idle: PoolThread[] = []
  private queue: Job[] = []
  private nextId = 0
  private closed = false
  readonly limits: WorkerLimits

  constructor(private readonly opts: PoolOptions) {
    this.limits = opts.limits ?? defaultWorkerLimits
  }

  /** Threads alive now (started lazily, up to `size`). */
  get threadCount(): number {
    return this.threads.size
  }

  /** Inspects one file when a thread is free; `timeoutMs` overrides the pool's time limit for this file. */
  inspect(blobs: BlobStore, file: InspectedFile, timeoutMs = this.limits.timeoutMs): Promise<FileInspection> {
    if (this.closed) return Promise.resolve(failed('inspection-error', 'the inspection was stopped'))
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, blobs, file, timeoutMs, resolve })
      this.dispatch()
    })
  }

  /** Starts the threads now rather than on the first file; settles when they have loaded the parsers. */
  async warm(): Promise<void> {
    while (!this.closed && this.threads.size < Math.max(1, this.opts.size)) {
      const thread = this.spawn()
      this.idle.push(thread)
    }
    await Promise.all([...this.threads].map((t) => t.ready))
  }

  /** Stops every thread; jobs running or queued end as unscannable. */
  async close(): Promise<void> {
    this.closed = true
    for (const job of this.queue.splice(0)) job.resolve(failed('inspection-error', 'the inspection was stopped'))
    const threads = [...this.threads]
    for (const t of threads) t.die(failed('inspection-error', 'the inspection was stopped'))
    await Promise.allSettled(threads.map((t) => t.worker.terminate()))
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      let thread = this.idle.pop()
      if (!thread) {
        if (this.threads.size >= Math.max(1, this.opts.size)) return
        thread = this.spawn()
      }
      thread.run(this.queue.shift() as Job)
    }
  }

  private spawn(): PoolThread {
    const thread = new PoolThread(this.limits, this.opts.nice ?? 0, (t) => this.released(t))
    this.threads.add(thread)
    return thread
  }

  private released(t: PoolThread): void {
    if (t.dead) {
      this.threads.delete(t)
      this.idle = this.idle.filter((x) => x !== t)
    } else if (!this.idle.includes(t)) {
      this.idle.push(t)
    }
    this.dispatch()
  }
}

/** One file in a pool of its own (tests, one-off runs): the thread is stopped afterwards. */
export async function inspectInWorker(
  blobs: BlobStore,
  file: InspectedFile,
  limits: WorkerLimits = defaultWorkerLimits,
): Promise<FileInspection> {
  const pool = new InspectionPool({ size: 1, limits })
  try {
    return await pool.inspect(blobs, file)
  } finally {
    await pool.close()
  }
}
