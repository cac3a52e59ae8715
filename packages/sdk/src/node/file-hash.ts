// sha256 of files, streamed in 1 MiB reads (hashing is what bounds a transfer on this kind of machine).
import { createHash, type Hash } from 'node:crypto'
import { createReadStream } from 'node:fs'

export const READ_CHUNK = 1024 * 1024

/** Feeds bytes [0, end) of a file (the whole file without `end`) into `hash`; returns how many it read. */
export async function hashInto(
  hash: Hash,
  file: string,
  opts: { end?: number; signal?: AbortSignal; onBytes?: (n: number) => void } = {},
): Promise<number> {
  if (opts.end === 0) return 0
  let read = 0
  const stream = createReadStream(file, {
    highWaterMark: READ_CHUNK,
    ...(opts.end !== undefined && { end: opts.end - 1 }),
    signal: opts.signal,
  })
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk)
    read += chunk.length
    opts.onBytes?.(chunk.length)
  }
  return read
}

/**
 * Hex sha256 and size of a file.
 * @example const { sha256, size } = await hashFile('weights/model.safetensors')
 */
export async function hashFile(
  file: string,
  opts: { signal?: AbortSignal; onBytes?: (n: number) => void } = {},
): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  const size = await hashInto(hash, file, opts)
  return { sha256: hash.digest('hex'), size }
}
