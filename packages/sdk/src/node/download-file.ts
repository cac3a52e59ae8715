// Download one artifact to disk: into "<file>.modelreg-partial", resumed with Range when that exists,
// verified against the artifact's sha256, then renamed into place (readers never see a half file).

import { createHash, type Hash } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import type { Artifact } from '@modelreg/contract'
import { errorFromFailure, ModelregError } from '../errors.js'
import { artifactPath } from '../paths.js'
import { type RetryOptions, withRetries } from '../retry.js'
import type { Transport } from '../transport.js'
import { hashInto, READ_CHUNK } from './file-hash.js'
import { PARTIAL_SUFFIX } from './folder-files.js'

export interface DownloadFileOptions {
  transport: Transport
  org: string
  name: string
  version: string
  artifact: Pick<Artifact, 'path' | 'size' | 'sha256'>
  /** Final location on disk. */
  target: string
  retry?: RetryOptions
  signal?: AbortSignal
  onStart?: (resumedBytes: number) => void
  onProgress?: (bytes: number, size: number) => void
}

/** Fetches the artifact; returns how many bytes of an earlier interrupted run were kept. */
export async function downloadFile(opts: DownloadFileOptions): Promise<{ resumedBytes: number }> {
  const { artifact, target } = opts
  const partial = target + PARTIAL_SUFFIX
  await fs.mkdir(path.dirname(target), { recursive: true })
  let resumedBytes = 0
  let started = false
  for (let fresh = false; ; fresh = true) {
    if (fresh) {
      await fs.rm(partial, { force: true })
      resumedBytes = 0
    }
    const ok = await withRetries(
      async () => {
        // Each attempt continues from what is on disk, re-reading it into the hash.
        const hash = createHash('sha256')
        let have = await fs.stat(partial).then(
          (s) => s.size,
          () => 0,
        )
        if (have > artifact.size) {
          await fs.rm(partial, { force: true })
          have = 0
        }
        if (have > 0) await hashInto(hash, partial, { end: have, signal: opts.signal })
        if (!started) {
          started = true
          resumedBytes = have
          opts.onStart?.(have)
        }
        opts.onProgress?.(have, artifact.size)
        if (have === artifact.size) {
          await fs.appendFile(partial, new Uint8Array(0)) // an empty artifact still gets its file
          return hash.digest('hex') === artifact.sha256
        }
        return (await fetchRest(opts, partial, have, hash)) === artifact.sha256
      },
      { ...opts.retry, signal: opts.signal },
    )
    if (ok) break
    // Bytes kept from before may be what differs: one fresh download; a fresh mismatch is an error.
    if (fresh || resumedBytes === 0) {
      await fs.rm(partial, { force: true })
      throw new ModelregError(
        0,
        'CHECKSUM_MISMATCH',
        `${artifact.path}: the downloaded bytes do not have the registry's sha256 ${artifact.sha256}; nothing was kept, run the pull again`,
      )
    }
  }
  await fs.rename(partial, target)
  return { resumedBytes }
}

/**
 * GETs the bytes after `have` (or all of them if the server ignores the Range), appends them to the partial
 * file and returns the sha256 of the whole file (`hash` already holds the first `have` bytes).
 */
async function fetchRest(opts: DownloadFileOptions, partial: string, have: number, hash: Hash): Promise<string> {
  const { transport, artifact } = opts
  const headers: Record<string, string> = {}
  if (have > 0) {
    headers.range = `bytes=${have}-`
    // Only resume onto the same content: a different ETag answers 200 with the whole file.
    headers['if-range'] = `"${artifact.sha256}"`
  }
  const res = await transport.send(artifactPath(opts.org, opts.name, opts.version, artifact.path), {
    headers,
    signal: opts.signal,
  })
  let got = have
  if (res.status === 200 && have > 0) {
    // The server sent everything: start the file and the hash over.
    await fs.truncate(partial, 0)
    hash = createHash('sha256')
    got = 0
  }
  if (!res.body) throw new ModelregError(res.status, 'INTERNAL', `${artifact.path}: the registry sent no body`)
  const meter = new Transform({
    readableHighWaterMark: READ_CHUNK,
    writableHighWaterMark: READ_CHUNK,
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk)
      got += chunk.length
      opts.onProgress?.(got, artifact.size)
      done(null, chunk)
    },
  })
  try {
    await pipeline(
      Readable.fromWeb(res.body as WebReadableStream<Uint8Array>),
      meter,
      createWriteStream(partial, { flags: 'a', highWaterMark: READ_CHUNK }),
      { signal: opts.signal },
    )
  } catch (err) {
    // A connection cut mid-body is a network error: retried, resuming from the bytes written.
    throw errorFromFailure(err, transport.baseUrl)
  }
  return hash.digest('hex')
}
