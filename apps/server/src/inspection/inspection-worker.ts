// The worker thread's entry: runs inspectFile over a ByteSource whose reads are answered by the main thread (which
// owns the blob store). Anything that goes wrong here ends this thread only; the runner turns it into a result.
import { parentPort, workerData } from 'node:worker_threads'
import { inspectFile } from './inspect-file.js'
import type { ByteSource, InspectionLimits } from './source.js'

export interface WorkerInput {
  name: string
  size: number
  limits: InspectionLimits
}
export type ToWorker = { type: 'data'; id: number; bytes: Uint8Array } | { type: 'error'; id: number; message: string }
export type FromWorker =
  | { type: 'read'; id: number; offset: number; length: number }
  | { type: 'result'; inspection: unknown }

const port = parentPort
if (port) {
  const input = workerData as WorkerInput
  const waiting = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>()
  let next = 0
  port.on('message', (msg: ToWorker) => {
    const w = waiting.get(msg.id)
    if (!w) return
    waiting.delete(msg.id)
    if (msg.type === 'data') w.resolve(msg.bytes)
    else w.reject(new Error(msg.message))
  })
  const source: ByteSource = {
    size: input.size,
    read: (offset, length) =>
      new Promise((resolve, reject) => {
        const id = next++
        waiting.set(id, { resolve, reject })
        port.postMessage({ type: 'read', id, offset, length } satisfies FromWorker)
      }),
  }
  inspectFile(source, input.name, input.limits).then((inspection) => {
    port.postMessage({ type: 'result', inspection } satisfies FromWorker)
  })
}
