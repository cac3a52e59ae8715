// Incompressible test files, fast: an AES-CTR keystream (AES-NI) rather than the much slower CSPRNG.
import { createCipheriv, randomBytes } from 'node:crypto'
import fs from 'node:fs'

export async function writeRandomFile(file: string, bytes: number): Promise<void> {
  const cipher = createCipheriv('aes-128-ctr', randomBytes(16), randomBytes(16))
  const zeros = Buffer.alloc(4 << 20)
  const handle = await fs.promises.open(file, 'wx', 0o644)
  try {
    for (let written = 0; written < bytes; ) {
      const n = Math.min(zeros.length, bytes - written)
      const chunk = cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n))
      await handle.write(chunk, 0, chunk.length)
      written += chunk.length
    }
  } finally {
    await handle.close()
  }
}
