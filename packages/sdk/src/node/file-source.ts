// A ByteSource over a file on disk: each request streams its range, counting bytes as they are read.
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import type { ByteSource } from '../artifact-upload.js'
import { READ_CHUNK } from './file-hash.js'

export function fileSource(file: string, size: number, signal?: AbortSignal): ByteSource {
  return {
    size,
    body(start, end, onBytes) {
      if (end <= start) return { body: new Uint8Array(0), counts: false }
      // The file is opened when the body is first read, inside the loop that consumes it: a stream made
      // earlier and destroyed by the abort before anyone listened (a part started after Ctrl-C) emitted an
      // 'error' with no listener, which crashed the process instead of ending the transfer.
      const counted = Readable.from(
        (async function* () {
          signal?.throwIfAborted()
          const stream = createReadStream(file, { start, end: end - 1, highWaterMark: READ_CHUNK, signal })
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            yield chunk
            onBytes(chunk.length)
          }
        })(),
      )
      // Node's fetch streams a ReadableStream body only with duplex: 'half'.
      return { body: Readable.toWeb(counted) as ReadableStream<Uint8Array>, duplex: 'half', counts: true }
    },
  }
}
