// One suite, both part stores: the local directory and S3 (a real Ceph RGW), where parts of S3's sizes go into the
// session's native multipart upload and smaller ones are objects. The unit lane (no RGW) runs it on fs only.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BlobStore, ChecksumMismatchError } from '../../src/blobs/blob-store.js'
import { FsBlobStore } from '../../src/blobs/fs-blob-store.js'
import { FsPartStore } from '../../src/blobs/fs-part-store.js'
import { type PartStore, PartsChangedError, PartsDroppedError, type StoredPart } from '../../src/blobs/part-store.js'
import { S3PartStore } from '../../src/blobs/s3-part-store.js'
import { unitLane } from '../helpers/registry.js'
import { openTestBucket } from '../helpers/s3.js'

const MiB = 1024 * 1024
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
async function readAll(s: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of await s) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

interface Backend {
  parts: PartStore
  blobs: BlobStore
  /** Multipart uploads in progress under uploads/ (S3 only; none elsewhere). */
  multipart(): Promise<string[]>
  close(): Promise<void>
}

const backends: Record<string, () => Promise<Backend>> = {
  fs: async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-parts-'))
    const blobs = new FsBlobStore(path.join(dir, 'blobs'))
    return {
      blobs,
      parts: new FsPartStore(path.join(dir, 'uploads'), blobs),
      multipart: async () => [],
      close: async () => fs.rmSync(dir, { recursive: true, force: true }),
    }
  },
  s3: async () => {
    const bucket = await openTestBucket()
    return {
      blobs: bucket.store,
      parts: new S3PartStore(bucket.store),
      multipart: async () => (await bucket.multipartUploads('uploads/')).map((u) => u.Key ?? ''),
      close: bucket.close,
    }
  },
}

describe.each(Object.keys(backends).filter((kind) => !(unitLane && kind === 's3')))('%s part store', (kind) => {
  let b: Backend
  beforeAll(async () => {
    b = await (backends[kind] as () => Promise<Backend>)()
  })
  afterAll(async () => {
    await b?.close()
  })

  /** A session: its handle, and the parts recorded as the upload service records them. */
  async function session() {
    const id = randomUUID()
    const handle = await b.parts.open(id)
    const recorded = new Map<number, StoredPart>()
    const write = async (n: number, bytes: Buffer, opts: { expectedSha256?: string } = {}) => {
      const info = await b.parts.write(id, n, Readable.from([bytes]), { handle, length: bytes.length, ...opts })
      recorded.set(n, { number: n, ...info })
      return info
    }
    const inOrder = () => [...recorded.values()].sort((x, y) => x.number - y.number)
    const assemble = (expectedSha256?: string) => b.parts.assemble(id, inOrder(), { handle, expectedSha256 })
    return { id, handle, write, assemble, recorded }
  }

  async function commitAndRead(staged: Awaited<ReturnType<Backend['parts']['assemble']>>) {
    await staged.commit()
    await staged.discard()
    return readAll(await b.blobs.get(staged.info.sha256))
  }

  it.each([
    ['parts of S3 sizes, the last small', [6 * MiB, 5 * MiB, 100_000]],
    ['a small part before large ones', [6 * MiB, 1000, 5 * MiB + 1]],
    ['one small part', [2000]],
  ])('joins %s, sent in any order, into one verified blob, and leaves nothing once removed', async (_, sizes) => {
    const chunks = sizes.map((n) => randomBytes(n))
    const file = Buffer.concat(chunks)
    const s = await session()
    // Sent at the same time, the last first: nothing may depend on the order parts arrive in.
    await Promise.all([...chunks.entries()].reverse().map(([i, c]) => s.write(i + 1, c)))
    expect(await b.parts.list()).toContain(s.id)
    const staged = await s.assemble(sha(file))
    expect(staged.info).toEqual({ sha256: sha(file), size: file.length })
    expect((await commitAndRead(staged)).equals(file)).toBe(true)
    await b.parts.remove(s.id)
    expect(await b.parts.list()).not.toContain(s.id)
    expect(await b.multipart()).toEqual([])
  })

  it('keeps the part received before when a resend of it breaks off, and takes the resend sent again', async () => {
    const first = randomBytes(6 * MiB)
    const s = await session()
    await s.write(1, first)
    const broken = new Readable({ read() {} })
    broken.push(randomBytes(MiB))
    setTimeout(() => broken.destroy(new Error('client went away')), 10)
    await expect(b.parts.write(s.id, 1, broken, { handle: s.handle, length: 6 * MiB })).rejects.toThrow()
    expect((await commitAndRead(await s.assemble(sha(first)))).equals(first)).toBe(true)

    const again = await session()
    await again.write(1, randomBytes(6 * MiB))
    const resent = randomBytes(6 * MiB)
    await again.write(1, resent)
    await again.write(2, Buffer.from('tail'))
    const file = Buffer.concat([resent, Buffer.from('tail')])
    expect((await commitAndRead(await again.assemble(sha(file)))).equals(file)).toBe(true)
    for (const id of [s.id, again.id]) await b.parts.remove(id)
  })

  it('never joins a copy other than the one recorded: a resend that fails its checksum is kept out or named', async () => {
    const good = randomBytes(6 * MiB)
    const s = await session()
    await s.write(1, good, { expectedSha256: sha(good) })
    await s.write(2, Buffer.from('end'))
    await expect(
      b.parts.write(s.id, 1, Readable.from([randomBytes(6 * MiB)]), {
        handle: s.handle,
        length: 6 * MiB,
        expectedSha256: sha(good),
      }),
    ).rejects.toBeInstanceOf(ChecksumMismatchError)
    const file = Buffer.concat([good, Buffer.from('end')])
    // Either the earlier copy is still there (a directory, an object) or the store says which part to send again.
    const outcome = await s.assemble(sha(file)).catch((err: unknown) => err)
    if (outcome instanceof PartsChangedError) {
      expect(outcome.numbers).toEqual([1])
      await s.write(1, good, { expectedSha256: sha(good) })
      expect((await commitAndRead(await s.assemble(sha(file)))).equals(file)).toBe(true)
    } else {
      expect(kind).toBe('fs')
      expect((await commitAndRead(outcome as Awaited<ReturnType<typeof s.assemble>>)).equals(file)).toBe(true)
    }
    await b.parts.remove(s.id)
  })

  it('refuses to assemble bytes whose digest differs, keeping nothing; used-up parts are named', async () => {
    const s = await session()
    await s.write(1, randomBytes(5 * MiB))
    await s.write(2, randomBytes(10))
    const err = await s.assemble('0'.repeat(64)).catch((e: unknown) => e)
    const cause = err instanceof PartsDroppedError ? err.cause : err
    expect(cause).toBeInstanceOf(ChecksumMismatchError)
    if (err instanceof PartsDroppedError) expect(err.numbers).toEqual([1])
    await b.parts.remove(s.id)
    expect(await b.multipart()).toEqual([])
  })

  it('drops the multipart upload of a removed session, and of one with no part yet', async () => {
    const s = await session()
    await s.write(1, randomBytes(5 * MiB))
    const empty = await session()
    if (kind === 's3') {
      expect(await b.multipart()).toEqual(
        expect.arrayContaining([`uploads/${s.id}/whole`, `uploads/${empty.id}/whole`]),
      )
      expect(await b.parts.list()).toEqual(expect.arrayContaining([s.id, empty.id]))
    }
    await b.parts.remove(s.id)
    await b.parts.remove(empty.id)
    expect(await b.multipart()).toEqual([])
    expect(await b.parts.list()).toEqual([])
  })
})
