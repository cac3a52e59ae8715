// The Hugging Face layer's one translation table: model names to Hub repo names, versions to 40-hex commit ids,
// Hub revisions to version references, and which files are LFS entries (with their git object ids).
import { createHash } from 'node:crypto'
import path from 'node:path'

/** The slug rule is shared with the web page that shows the repo id (contract rules). */
export { hubName, isHubName } from '@modelreg/contract/rules'

/** The files a commit id covers: path and content digest. */
export interface CommitFile {
  path: string
  sha256: string
}

const COMMIT_PREFIX_HEX = 28
const VERSION_ID_HEX = 12

/**
 * A version's commit id: 28 hex of a sha256 over the model, the version and its files (path and digest, in path
 * order), then the version's row id in 12 hex. Same content, same id, forever; new content, a new id (clients
 * cache a commit's files and tree forever). The tail lets the id be resolved with one lookup, the head proves
 * it still names that content.
 */
export function commitIdOf(modelId: number, version: string, versionId: number, files: readonly CommitFile[]): string {
  const hash = createHash('sha256').update(`modelreg-hf-commit\0${modelId}\0${version}\0`)
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${f.path}\0${f.sha256}\n`)
  }
  return hash.digest('hex').slice(0, COMMIT_PREFIX_HEX) + versionId.toString(16).padStart(VERSION_ID_HEX, '0')
}

/** The version row id a well-formed commit id names (its content is checked by recomputing the id). */
export function versionIdOfCommit(commit: string): number | undefined {
  if (!/^[0-9a-f]{40}$/.test(commit)) return undefined
  const id = Number.parseInt(commit.slice(COMMIT_PREFIX_HEX), 16)
  return Number.isSafeInteger(id) && id > 0 ? id : undefined
}

export type Revision = { kind: 'main' } | { kind: 'commit'; id: string } | { kind: 'reference'; text: string }

/**
 * A Hub revision as modelreg reads it: "main" (and "HEAD", the JavaScript client's default) is the model's
 * current version; 40 hex is a commit id; anything else is a version reference (1.2.0, production, an alias).
 */
export function parseRevision(rev: string): Revision {
  if (rev === 'main' || rev === 'HEAD') return { kind: 'main' }
  if (/^[0-9a-fA-F]{40}$/.test(rev)) return { kind: 'commit', id: rev.toLowerCase() }
  return { kind: 'reference', text: rev }
}

/** Weight and archive formats the Hub keeps in LFS whatever their size. */
const LFS_EXTENSIONS = new Set([
  '.safetensors',
  '.bin',
  '.pt',
  '.pth',
  '.ckpt',
  '.onnx',
  '.gguf',
  '.ggml',
  '.h5',
  '.keras',
  '.pb',
  '.tflite',
  '.msgpack',
  '.npy',
  '.npz',
  '.pkl',
  '.pickle',
  '.joblib',
  '.model',
  '.ot',
  '.parquet',
  '.arrow',
  '.zip',
  '.tar',
  '.gz',
  '.tgz',
  '.xz',
  '.zst',
  '.7z',
  '.bz2',
  '.mlmodel',
  '.wasm',
])
/** Other files are LFS from this size up (regular files are hashed by the listing, so they stay small). */
export const LFS_THRESHOLD_BYTES = 1024 * 1024

/** Whether a file is an LFS entry in the Hub's view: a weight format, or at least 1 MiB. */
export function isLfs(filePath: string, size: number): boolean {
  if (size === 0) return false
  return size >= LFS_THRESHOLD_BYTES || LFS_EXTENSIONS.has(path.posix.extname(filePath).toLowerCase())
}

/** The git LFS pointer file an LFS entry stands for in git: its git blob oid and its size. */
export function lfsPointer(sha256: string, size: number): { oid: string; pointerSize: number } {
  const text = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha256}\nsize ${size}\n`
  return { oid: gitBlobOid(Buffer.from(text)), pointerSize: Buffer.byteLength(text) }
}

/** git's object id of a blob: sha1 over "blob <size>\0" and the bytes. */
export function gitBlobOid(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex')
}

/** A git tree-like id for a folder of a commit (stable per commit and folder). */
export function folderOid(commit: string, folder: string): string {
  return createHash('sha1').update(`tree ${commit}\0${folder}`).digest('hex')
}

/** Query flags arrive as True, true, 1: read them case-insensitively; anything else is false. */
export function isFlagSet(value: unknown): boolean {
  const v = Array.isArray(value) ? value[value.length - 1] : value
  return typeof v === 'string' && ['true', '1', 'yes'].includes(v.toLowerCase())
}
