// The worker thread's entry: a long-lived thread of the inspection pool (worker-runner.ts) that runs one job at a
// time, inspectFile over a ByteSource: the blob's file opened read-only here when the store keeps files on this
// machine, otherwise reads answered by the main thread (which owns the blob store).
// Anything that goes wrong here ends this thread only; the pool turns it into a result and starts another.
import fsp from 'node:fs/promises'
import os from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import { inspectFile } from './inspect-file.js'
import { type ByteSource, type InspectionLimits, MAX_SINGLE_READ } from './source.js'

export interface WorkerInput {
  /** Niceness of this thread (Linux keeps one per thread): inspection yields the CPU to request handling. */
  nice: number
}
export interface WorkerJob {
  name: string
  size: number
  limits: InspectionLimits
  /** The blob's file, when the store keeps files on this machine: read here, not through the main thread. */
  path?: string
}
export type ToWorker =
  | { type: 'job'; job: number; input: WorkerJob }
  | { type: 'data'; id: number; bytes: Uint8Array }
  | { type: 'error'; id: number; message: string }
export type FromWorker =
  | { type: 'read'; job: number; id: number; offset: number; length: number }
  | { type: 'result'; job: number; inspection: unknown }
  | { type: 'ready' }

const port = parentPort
if (port) {
  const { nice } = workerData as WorkerInput
  if (nice > 0) {
    try {
      // pid 0 is the calling thread on Linux; elsewhere it may lower the whole process or be refused.
      if (process.platform === 'linux') os.setPriority(0, nice)
    } catch {
      // Not allowed here: inspection runs at the process's own priority.
    }
  }
  const waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>()
  let next = 0
  const failed = {
    format: 'unknown',
    summary: {},
    findings: [{ level: 'unscannable', code: 'inspection-error', detail: 'the inspection could not complete' }],
  }
  /** Reads asked of the main thread, one message each way per read. */
  const remoteSource = (job: number, size: number): ByteSource => ({
    size,
    read: (offset, length) =>
      new Promise((resolve, reject) => {
        const id = next++
        waiting.set(id, { resolve, reject })
        port.postMessage({ type: 'read', job, id, offset, length } satisfies FromWorker)
      }),
  })
  const inspectLocal = async (input: WorkerJob & { path: string }) => {
    const handle = await fsp.open(input.path, 'r')
    try {
      const source: ByteSource = {
        size: input.size,
        read: async (offset, length) => {
          const want = Math.max(0, Math.min(length, MAX_SINGLE_READ, input.size - offset))
          const out = new Uint8Array(want)
          let at = 0
          while (at < want) {
            const { bytesRead } = await handle.read(out, at, want - at, offset + at)
            if (bytesRead === 0) break
            at += bytesRead
          }
          return at === want ? out : out.subarray(0, at)
        },
      }
      return await inspectFile(source, input.name, input.limits)
    } finally {
      await handle.close()
    }
  }
  const run = (job: number, input: WorkerJob) => {
    const { path } = input
    const inspecting =
      path === undefined
        ? inspectFile(remoteSource(job, input.size), input.name, input.limits)
        : inspectLocal({ ...input, path })
    inspecting
      .catch(() => failed)
      .then((inspection) => {
        waiting.clear()
        port.postMessage({ type: 'result', job, inspection } satisfies FromWorker)
      })
  }
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'job') {
      run(msg.job, msg.input)
      return
    }
    const w = waiting.get(msg.id)
    if (!w) return
    waiting.delete(msg.id)
    if (msg.type === 'data') w.resolve(msg.bytes)
    else w.reject(new Error(msg.message))
  })
  port.postMessage({ type: 'ready' } satisfies FromWorker)
}
