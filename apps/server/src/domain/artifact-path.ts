// Artifact paths are relative, folder-style ("tokenizer/vocab.json"), and never escape their version.
import path from 'node:path'
import { ValidationError } from '../errors.js'

const MAX_PATH_BYTES = 1024
const MAX_SEGMENT_BYTES = 255

/** Returns the NFC-normalised path, or refuses it with a message saying what is wrong. */
export function checkArtifactPath(input: string): string {
  const fail = (why: string): never => {
    throw new ValidationError(`artifact path "${printable(input)}" is not valid: ${why}`, { field: 'path' })
  }
  const p = input.normalize('NFC')
  if (p === '') fail('it is empty')
  if (Buffer.byteLength(p) > MAX_PATH_BYTES) fail(`it is longer than ${MAX_PATH_BYTES} bytes`)
  if (/\p{Cc}/u.test(p)) fail('it contains NUL or control characters')
  if (p.includes('\\')) fail('use "/" between folders, not backslashes')
  if (p.startsWith('/')) fail('it must be relative, not absolute')
  // "C:x" is a drive on Windows and "a:b" an alternate data stream: an archive of the version could not hold it.
  if (p.includes(':')) fail('":" is not allowed (Windows reads it as a drive letter or a stream name)')
  for (const segment of p.split('/')) {
    if (segment === '') fail('it has an empty folder name ("//" or a trailing "/")')
    if (segment === '.' || segment === '..') fail('"." and ".." are not allowed')
    if (Buffer.byteLength(segment) > MAX_SEGMENT_BYTES) fail(`a name is longer than ${MAX_SEGMENT_BYTES} bytes`)
  }
  return p
}

/**
 * The name a stored artifact gets inside a zip or tar of its version. Names stored before the current rule
 * (for example "C:/x") are made archive-safe rather than failing the whole archive: each character the rule
 * refuses becomes "_", empty, "." and ".." folder names are dropped, and a name that collides gets "~2", "~3".
 */
export function archiveEntryNames(paths: readonly string[]): string[] {
  const safe = (p: string) => {
    try {
      return checkArtifactPath(p) === p
    } catch {
      return false
    }
  }
  // Names that follow the rule keep their name; only the others can be renamed.
  const taken = new Set(paths.filter(safe))
  return paths.map((stored) => {
    if (safe(stored)) return stored
    const name =
      stored
        .replace(/[\p{Cc}\\:]/gu, '_')
        .split('/')
        .filter((s) => s !== '' && s !== '.' && s !== '..')
        .join('/') || '_'
    let unique = name
    for (let n = 2; taken.has(unique); n++) unique = `${name}~${n}`
    taken.add(unique)
    return unique
  })
}

const printable = (s: string) =>
  s.replace(/\p{Cc}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).slice(0, 200)

const mediaTypes: Record<string, string> = {
  '.json': 'application/json',
  '.md': 'text/markdown',
  '.txt': 'text/plain',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.csv': 'text/csv',
  '.py': 'text/x-python',
  '.onnx': 'application/onnx',
  '.safetensors': 'application/octet-stream',
  '.gguf': 'application/octet-stream',
  '.pt': 'application/octet-stream',
  '.pth': 'application/octet-stream',
  '.bin': 'application/octet-stream',
  '.h5': 'application/x-hdf5',
  '.pkl': 'application/octet-stream',
  '.zip': 'application/zip',
  '.tar': 'application/x-tar',
  '.gz': 'application/gzip',
}

/**
 * Types a download is served with as they are: the registry's own guesses and plain text, none of which a
 * browser runs. Anything else (text/html, image/svg+xml, text/javascript, ...) is served as
 * application/octet-stream: the stored type is the uploader's word, and downloads come from the app's origin.
 */
const inertTypes = new Set([...Object.values(mediaTypes), 'text/plain'])

export function servedMediaType(stored: string): string {
  return inertTypes.has(stored) ? stored : 'application/octet-stream'
}

/** The media type to store: what the client declared, unless generic, else guessed from the extension. */
export function mediaTypeOf(artifactPath: string, declared: string | undefined): string {
  const type = declared?.split(';')[0]?.trim().toLowerCase()
  if (type && type !== 'application/octet-stream' && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type)) return type
  return mediaTypes[path.extname(artifactPath).toLowerCase()] ?? 'application/octet-stream'
}
