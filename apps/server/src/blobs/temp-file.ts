import { once } from 'node:events'
import type { FileHandle } from 'node:fs/promises'
import fsp from 'node:fs/promises'
import type { Writable } from 'node:stream'

/**
 * Removes the temporary file a failed write was filling. A file write stream opens its file asynchronously: a body
 * that fails at once (size limit, abort) can fail before the open, and a removal done then would run before the
 * file exists and leave it behind. So wait for the stream to close first, then close the file's handle if the caller
 * opened one itself (no write may still run on it by then).
 */
export async function removeTempFile(out: Writable | undefined, file: string, handle?: FileHandle): Promise<void> {
  if (out && !out.closed) {
    if (!out.destroyed) out.destroy()
    await once(out, 'close').catch(() => undefined)
  }
  await handle?.close().catch(() => undefined)
  await fsp.rm(file, { force: true })
}
