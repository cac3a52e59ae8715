// The files of a folder as artifact paths: relative, "/"-separated, in a stable order.
import fs from 'node:fs/promises'
import path from 'node:path'

export interface LocalFile {
  /** Artifact path, e.g. tokenizer/vocab.json */
  path: string
  /** Where it is on disk. */
  file: string
  size: number
}

/** Files under `folder`, following symlinks to files; partial downloads of this SDK are left out. */
export async function listFolderFiles(folder: string): Promise<LocalFile[]> {
  const root = path.resolve(folder)
  const stat = await fs.stat(root).catch(() => undefined)
  if (!stat?.isDirectory()) throw new Error(`${folder} is not a folder`)
  const files: LocalFile[] = []
  async function walk(dir: string): Promise<void> {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name)
      const info = entry.isSymbolicLink() ? await fs.stat(full).catch(() => undefined) : entry
      if (!info) continue
      if (info.isDirectory()) await walk(full)
      else if (info.isFile() && !entry.name.endsWith(PARTIAL_SUFFIX)) {
        const { size } = await fs.stat(full)
        files.push({ path: path.relative(root, full).split(path.sep).join('/'), file: full, size })
      }
    }
  }
  await walk(root)
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** Suffix of a file being downloaded; renamed into place once verified. */
export const PARTIAL_SUFFIX = '.modelreg-partial'

/** The local path of an artifact inside `folder`; refuses paths that would land outside it. */
export function localPathOf(folder: string, artifactPath: string): string {
  const root = path.resolve(folder)
  const target = path.resolve(root, ...artifactPath.split('/'))
  if (artifactPath.startsWith('/') || !target.startsWith(root + path.sep)) {
    throw new Error(`artifact path "${artifactPath}" would be written outside ${folder}; refusing it`)
  }
  return target
}
