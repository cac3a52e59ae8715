import { once } from 'node:events'
import type fs from 'node:fs'
import fsp from 'node:fs/promises'

/**
 * Removes the temporary file a failed write was filling. The write stream opens its file asynchronously: a body
 * that fails at once (size limit, abort) can fail before the open, and a removal done then would run before the
 * file exists and leave it behind. So wait for the stream to close first.
 */
export async function removeTempFile(out: fs.WriteStream | undefined, file: string): Promise<void> {
  if (out && !out.closed) {
    if (!out.destroyed) out.destroy()
    await once(out, 'close').catch(() => undefined)
  }
  await fsp.rm(file, { force: true })
}
