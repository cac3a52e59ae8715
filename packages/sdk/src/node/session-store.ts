// Remembers the upload session of each large file, so that a push killed midway resumes its parts.
import fs from 'node:fs/promises'
import path from 'node:path'

/** Where upload session ids are kept between runs. */
export interface UploadSessionStore {
  get(key: string): Promise<string | undefined>
  set(key: string, uploadId: string): Promise<void>
  delete(key: string): Promise<void>
}

/**
 * A JSON file of key → session id (sessions expire on the server after 7 days; older entries are dropped).
 * @example const sessions = new FileSessionStore(path.join(os.homedir(), '.config/modelreg/uploads.json'))
 */
export class FileSessionStore implements UploadSessionStore {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(readonly file: string) {}

  async get(key: string): Promise<string | undefined> {
    return (await this.read())[key]?.id
  }
  set(key: string, uploadId: string): Promise<void> {
    return this.update((all) => {
      all[key] = { id: uploadId, at: Date.now() }
    })
  }
  delete(key: string): Promise<void> {
    return this.update((all) => {
      delete all[key]
    })
  }

  private async read(): Promise<Record<string, { id: string; at: number }>> {
    try {
      const parsed: unknown = JSON.parse(await fs.readFile(this.file, 'utf8'))
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, { id: string; at: number }>) : {}
    } catch {
      return {}
    }
  }

  // Writes are serialised and atomic (temp file + rename): parallel uploads share one file.
  private update(change: (all: Record<string, { id: string; at: number }>) => void): Promise<void> {
    const next = this.queue.then(async () => {
      const all = await this.read()
      change(all)
      const week = 7 * 24 * 3600 * 1000
      for (const [k, v] of Object.entries(all)) if (Date.now() - v.at > week) delete all[k]
      await fs.mkdir(path.dirname(this.file), { recursive: true })
      const tmp = `${this.file}.${process.pid}.tmp`
      await fs.writeFile(tmp, JSON.stringify(all, null, 2), { mode: 0o600 })
      await fs.rename(tmp, this.file)
    })
    this.queue = next.catch(() => {})
    return next
  }
}
