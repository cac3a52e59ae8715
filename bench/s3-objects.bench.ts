// How the S3 stores send and read bytes (apps/server/src/blobs/s3-objects.ts), measured against a real RGW with the
// module the server uses, side by side: a body streamed in through sha256 as one PUT, as parts in flight of a few
// sizes, and as the SDK's lib-storage sent it before; the verify pass of a completed upload read as one GET or as
// ranged GETs ahead of the hash. `npx tsx bench/s3-objects.bench.ts` (BENCH_S3_ENDPOINT, BENCH_MIB to change the
// defaults: the test RGW on :7480, 256 MiB). Prints markdown tables.
import { createHash, randomBytes } from 'node:crypto'
import os from 'node:os'
import { Readable } from 'node:stream'
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { HashingStream } from '../apps/server/src/blobs/hashing-stream.js'
import { S3BlobStore } from '../apps/server/src/blobs/s3-blob-store.js'
import { S3Objects } from '../apps/server/src/blobs/s3-objects.js'

const MiB = 1024 * 1024
const size = Number(process.env.BENCH_MIB ?? 256) * MiB
const settings = {
  endpoint: process.env.BENCH_S3_ENDPOINT ?? 'http://127.0.0.1:7480',
  region: 'us-east-1',
  accessKeyId: process.env.BENCH_S3_ACCESS_KEY ?? 'modelreg-test',
  secretAccessKey: process.env.BENCH_S3_SECRET_KEY ?? 'modelreg-test-secret',
  forcePathStyle: true,
}
const Bucket = `modelreg-bench-${randomBytes(4).toString('hex')}`
const store = new S3BlobStore({ ...settings, bucket: Bucket })
const client = store.client
const file = randomBytes(size)

/** The body as a request gives it: 64 KiB chunks, through sha256. */
function hashedBody(): HashingStream {
  const hasher = new HashingStream()
  const chunks = (function* () {
    for (let i = 0; i < size; i += 64 * 1024) yield file.subarray(i, Math.min(size, i + 64 * 1024))
  })()
  Readable.from(chunks, { objectMode: false }).pipe(hasher)
  return hasher
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now()
  await work()
  return (performance.now() - start) / 1000
}

const rows: [string, number][] = []
const reads: [string, number][] = []
const runs = Number(process.env.BENCH_RUNS ?? 2)
async function row(table: [string, number][], name: string, work: () => Promise<void>) {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await timed(work))
  table.push([name, Math.min(...times)])
  process.stderr.write(`${name}: ${times.map((t) => t.toFixed(2)).join(' ')} s\n`)
}

await client.send(new CreateBucketCommand({ Bucket }))
const load = os.loadavg()
try {
  await row(rows, 'direct: PUT of the buffer, SDK (no hashing: what RGW takes)', async () => {
    await client.send(new PutObjectCommand({ Bucket, Key: 'direct', Body: file }))
  })
  await row(rows, 'one streamed PUT through sha256 (unsigned payload)', async () => {
    await store.objects.put('one', hashedBody(), { length: size })
  })
  for (const [part, queue] of [
    [16, 3],
    [32, 3],
    [64, 2],
  ] as const) {
    const objects = new S3Objects(client, Bucket, { partSize: part * MiB, queueSize: queue })
    await row(rows, `parts of ${part} MiB, ${queue} in flight, through sha256 (unsigned payload)`, async () => {
      await objects.putInParts(`parts-${part}`, hashedBody())
    })
  }
  await row(rows, 'before: lib-storage, 5 MiB parts one at a time (signed: hashed again)', async () => {
    await new Upload({
      client,
      params: { Bucket, Key: 'lib-storage', Body: hashedBody() },
      partSize: 5 * MiB,
      queueSize: 1,
    }).done()
  })

  await row(reads, 'one GET through sha256', async () => {
    const hash = createHash('sha256')
    for await (const c of await store.objects.get('one')) hash.update(c as Buffer)
    hash.digest('hex')
  })
  for (const [piece, ahead] of [
    [8, 4],
    [16, 4],
    [32, 2],
  ] as const) {
    const objects = new S3Objects(client, Bucket, { readPieceSize: piece * MiB, readAhead: ahead })
    await row(reads, `ranged GETs of ${piece} MiB, ${ahead} ahead, through sha256`, async () => {
      const hash = createHash('sha256')
      for await (const c of objects.read([{ key: 'one', range: { start: 0, end: size - 1 } }])) hash.update(c as Buffer)
      hash.digest('hex')
    })
  }
  await row(reads, 'server-side copy (CopyObject) of the object written by one PUT', async () => {
    await store.objects.copy('one', 'copy-one', size)
  })
  await row(reads, 'server-side copy (CopyObject) of a joined multipart object (16 MiB parts)', async () => {
    await store.objects.copy('parts-16', 'copy-parts', size)
  })
  await row(reads, 'sha256 of the bytes in memory (the floor)', async () => {
    createHash('sha256').update(file).digest('hex')
  })
} finally {
  const keys = (await client.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []
  for (const k of keys) await client.send(new DeleteObjectCommand({ Bucket, Key: k.Key }))
  await client.send(new DeleteBucketCommand({ Bucket }))
}
const after = os.loadavg()
const mibs = (s: number) => (size / MiB / s).toFixed(0)
const base = rows[0]?.[1] ?? 1
console.log(
  `${size / MiB} MiB, best of ${runs}; load average ${load.map((l) => l.toFixed(1)).join(' ')} before, ${after.map((l) => l.toFixed(1)).join(' ')} after\n`,
)
console.log('| sending a body | time | MiB/s | ratio to the direct PUT |\n| --- | ---: | ---: | ---: |')
for (const [name, s] of rows) console.log(`| ${name} | ${s.toFixed(2)} s | ${mibs(s)} | ${(base / s).toFixed(2)} × |`)
console.log('\n| reading (or copying) an object | time | MiB/s |\n| --- | ---: | ---: |')
for (const [name, s] of reads) console.log(`| ${name} | ${s.toFixed(2)} s | ${mibs(s)} |`)
client.destroy()
