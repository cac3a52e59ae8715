// Streams the files of a version as one zip or tar, one blob at a time: nothing is staged on disk or in memory.
import { PassThrough, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'
import yazl from 'yazl'
import { archiveEntryNames } from '../domain/artifact-path.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'

export type ArchiveFormat = 'zip' | 'tar'
type Open = (artifact: ArtifactRecord) => Promise<Readable>

/** A stored (uncompressed) zip: weights do not compress, and storing keeps the transfer at disk speed. */
export function zipStream(artifacts: ArtifactRecord[], open: Open): { stream: Readable; size?: number } {
  const zip = new yazl.ZipFile()
  const names = archiveEntryNames(artifacts.map((a) => a.path))
  for (const [i, a] of artifacts.entries()) {
    zip.addReadStreamLazy(names[i] as string, { size: a.size, compress: false, mtime: new Date(a.createdAt) }, (cb) => {
      open(a).then(
        (s) => cb(null, s),
        (err: unknown) => cb(err, new PassThrough()),
      )
    })
  }
  let size: number | undefined
  zip.end(undefined, ((total: number) => {
    if (total >= 0) size = total
  }) as () => void)
  return { stream: zip.outputStream as Readable, size }
}

export function tarStream(artifacts: ArtifactRecord[], open: Open): { stream: Readable } {
  const pack = tar.pack()
  const names = archiveEntryNames(artifacts.map((a) => a.path))
  void (async () => {
    try {
      for (const [i, a] of artifacts.entries()) {
        const entry = pack.entry({ name: names[i] as string, size: a.size, mtime: new Date(a.createdAt), mode: 0o644 })
        await pipeline(await open(a), entry)
      }
      pack.finalize()
    } catch (err) {
      pack.destroy(err as Error)
    }
  })()
  return { stream: pack as unknown as Readable }
}
