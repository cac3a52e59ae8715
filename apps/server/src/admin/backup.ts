// Backup, restore and verification of a SQLite + local-blob registry (modelreg-admin). A backup is a directory:
// modelreg.sqlite (an online snapshot through SQLite's backup API), blobs/<ab>/<sha256> (bytes by content address)
// and manifest.json listing every digest; it is taken while the registry serves writes.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import SqliteDatabase from 'better-sqlite3'
import { BlobMissingError, type BlobStore } from '../blobs/blob-store.js'
import { FsBlobStore } from '../blobs/fs-blob-store.js'
import { openDatabase } from '../db/database.js'
import { Store } from '../repositories/repositories.js'

export interface BackupManifest {
  format: 1
  createdAt: string
  database: { file: 'modelreg.sqlite'; sha256: string; size: number }
  blobs: { sha256: string; size: number }[]
}

export interface VerifyReport {
  checked: number
  missing: string[]
  corrupt: string[]
}

export interface LocalRegistry {
  /** The registry's SQLite file. */
  databaseFile: string
  /** The local blob store's root (config.blobRoot). */
  blobRoot: string
}

const MANIFEST = 'manifest.json'
const DATABASE = 'modelreg.sqlite'
const blobPath = (dir: string, sha256: string) => path.join(dir, 'blobs', sha256.slice(0, 2), sha256)

/** Every blob row of a SQLite file, in digest order. */
async function listBlobs(file: string): Promise<{ sha256: string; size: number }[]> {
  const db = openDatabase({ kind: 'sqlite', file })
  try {
    const repos = new Store(db).pool
    const all: { sha256: string; size: number }[] = []
    for (let after = ''; ; ) {
      const page = await repos.blobs.listPage(after, 1000)
      all.push(...page)
      const last = page.at(-1)
      if (!last || page.length < 1000) return all
      after = last.sha256
    }
  } finally {
    await db.close()
  }
}

/** sha256 and size of a stream's bytes. */
async function digestOf(stream: NodeJS.ReadableStream): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { sha256: hash.digest('hex'), size }
}

/** Bytes that are gone: the blob store's own error, or a file that is not there (backup and manifest files). */
const isMissing = (err: unknown) =>
  err instanceof BlobMissingError || (err as { code?: unknown } | null)?.code === 'ENOENT'

/**
 * Takes a consistent backup into `dir` (created; must be empty) while the registry runs. The database snapshot
 * comes first; then the bytes of every blob it references are copied and checked against their digest. A blob
 * deleted between the snapshot and its copy (its model was deleted meanwhile) means a newer snapshot, which no
 * longer references it: repeated until a snapshot's blobs are all copied.
 */
export async function backup(registry: LocalRegistry, dir: string): Promise<BackupManifest> {
  fs.mkdirSync(dir, { recursive: true })
  if (fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty: back up into a new directory`)
  const store = new FsBlobStore(path.resolve(registry.blobRoot))
  const snapshot = path.join(dir, DATABASE)
  for (let attempt = 1; ; attempt++) {
    const live = new SqliteDatabase(registry.databaseFile, { fileMustExist: true })
    try {
      await live.backup(snapshot)
    } finally {
      live.close()
    }
    // Upload sessions are not backed up: their parts live outside the blob store.
    const copy = new SqliteDatabase(snapshot)
    try {
      copy.exec('delete from upload_parts; delete from upload_sessions;')
    } finally {
      copy.close()
    }
    const blobs = await listBlobs(snapshot)
    const vanished: string[] = []
    for (const blob of blobs) {
      const target = blobPath(dir, blob.sha256)
      if (fs.existsSync(target)) continue
      if (!(await copyBlob(store, blob, target))) vanished.push(blob.sha256)
    }
    if (vanished.length === 0) {
      const manifest: BackupManifest = {
        format: 1,
        createdAt: new Date().toISOString(),
        database: { file: DATABASE, ...(await digestOf(fs.createReadStream(snapshot))) },
        blobs,
      }
      fs.writeFileSync(path.join(dir, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`)
      // Bytes copied for an earlier snapshot that this one no longer references are left out.
      const kept = new Set(blobs.map((b) => b.sha256))
      for (const f of fs.readdirSync(path.join(dir, 'blobs'), { recursive: true, withFileTypes: true })) {
        if (f.isFile() && !kept.has(f.name)) fs.rmSync(path.join(f.parentPath, f.name))
      }
      return manifest
    }
    if (attempt === 5) throw new Error(`blobs kept vanishing during the backup: ${vanished.slice(0, 3).join(', ')}…`)
  }
}

/** Copies one blob, checking its digest; false when the registry no longer has it. */
async function copyBlob(store: BlobStore, blob: { sha256: string; size: number }, target: string): Promise<boolean> {
  fs.mkdirSync(path.dirname(target), { recursive: true })
  const partial = `${target}.partial`
  let source: Readable
  try {
    source = await store.get(blob.sha256)
  } catch (err) {
    if (isMissing(err)) return false
    throw err
  }
  const hash = createHash('sha256')
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        hash.update(chunk)
        yield chunk
      }
    },
    fs.createWriteStream(partial),
  )
  const actual = hash.digest('hex')
  if (actual !== blob.sha256) throw new Error(`blob ${blob.sha256} in the registry has the digest ${actual}`)
  fs.renameSync(partial, target)
  return true
}

/** Checks a backup directory: the database file and every blob against the manifest's digests. */
export async function verifyBackup(dir: string): Promise<VerifyReport> {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as BackupManifest
  const report: VerifyReport = { checked: 0, missing: [], corrupt: [] }
  const database = await digestOf(fs.createReadStream(path.join(dir, manifest.database.file)))
  if (database.sha256 !== manifest.database.sha256) report.corrupt.push(manifest.database.file)
  for (const blob of manifest.blobs) {
    report.checked++
    const file = blobPath(dir, blob.sha256)
    if (!fs.existsSync(file)) report.missing.push(blob.sha256)
    else if ((await digestOf(fs.createReadStream(file))).sha256 !== blob.sha256) report.corrupt.push(blob.sha256)
  }
  return report
}

/** Checks a registry: every blob its database lists is in the store, and its bytes hash to its digest. */
export async function verifyRegistry(registry: LocalRegistry): Promise<VerifyReport> {
  const store = new FsBlobStore(path.resolve(registry.blobRoot))
  const report: VerifyReport = { checked: 0, missing: [], corrupt: [] }
  for (const blob of await listBlobs(registry.databaseFile)) {
    report.checked++
    let bytes: NodeJS.ReadableStream
    try {
      bytes = await store.get(blob.sha256)
    } catch (err) {
      if (!isMissing(err)) throw err
      report.missing.push(blob.sha256)
      continue
    }
    const actual = await digestOf(bytes)
    if (actual.sha256 !== blob.sha256 || actual.size !== blob.size) report.corrupt.push(blob.sha256)
  }
  return report
}

/**
 * Restores a backup into an empty data directory (no database file, no blobs): the backup is verified first,
 * then the database is copied and every blob goes through the blob store, which checks its digest again.
 */
export async function restore(dir: string, registry: LocalRegistry): Promise<BackupManifest> {
  const report = await verifyBackup(dir)
  if (report.missing.length > 0 || report.corrupt.length > 0) {
    throw new Error(`the backup is damaged: ${report.missing.length} missing, ${report.corrupt.length} corrupt`)
  }
  if (fs.existsSync(registry.databaseFile)) {
    throw new Error(`${registry.databaseFile} exists: restore into an empty data directory`)
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST), 'utf8')) as BackupManifest
  const store = new FsBlobStore(path.resolve(registry.blobRoot))
  for (const blob of manifest.blobs) {
    const staged = await store.stage(fs.createReadStream(blobPath(dir, blob.sha256)), { expectedSha256: blob.sha256 })
    try {
      await staged.commit()
    } finally {
      await staged.discard()
    }
  }
  fs.mkdirSync(path.dirname(registry.databaseFile), { recursive: true })
  // Copied last, under a temporary name: a restore that stops halfway leaves no database that looks complete.
  const partial = `${registry.databaseFile}.restoring`
  fs.copyFileSync(path.join(dir, manifest.database.file), partial)
  fs.renameSync(partial, registry.databaseFile)
  return manifest
}
