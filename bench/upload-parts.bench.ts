// Where the parts of a resumable upload live on S3, measured against a real RGW with the AWS SDK the server uses:
// the same parts sent (N at a time) and assembled into one verified blob three ways, beside a plain multipart PUT of
// the same parts. `npx tsx bench/upload-parts.bench.ts` (BENCH_S3_ENDPOINT, BENCH_MIB, BENCH_PART_MIB, BENCH_PARALLEL
// to change the defaults: the test RGW on :7480, 256 MiB, 16 MiB parts, 4 at a time). Prints a markdown table.
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import os from 'node:os'
import { Readable } from 'node:stream'
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'

const MiB = 1024 * 1024
const endpoint = process.env.BENCH_S3_ENDPOINT ?? 'http://127.0.0.1:7480'
const size = Number(process.env.BENCH_MIB ?? 256) * MiB
const partSize = Number(process.env.BENCH_PART_MIB ?? 16) * MiB
const parallel = Number(process.env.BENCH_PARALLEL ?? 4)
const client = new S3Client({
  endpoint,
  region: 'us-east-1',
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
  credentials: {
    accessKeyId: process.env.BENCH_S3_ACCESS_KEY ?? 'modelreg-test',
    secretAccessKey: process.env.BENCH_S3_SECRET_KEY ?? 'modelreg-test-secret',
  },
})
const Bucket = `modelreg-bench-${randomBytes(4).toString('hex')}`
const file = randomBytes(size)
const digest = createHash('sha256').update(file).digest('hex')
const parts = Array.from({ length: Math.ceil(size / partSize) }, (_, i) =>
  file.subarray(i * partSize, Math.min(size, (i + 1) * partSize)),
)

async function inParallel<T>(items: readonly T[], work: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T, i)
    }),
  )
}

/** Each part hashed as the server hashes what arrives, then stored as its own object. */
async function putPartObjects(prefix: string): Promise<void> {
  await inParallel(parts, async (body, i) => {
    createHash('sha256').update(body).digest('hex')
    await client.send(new PutObjectCommand({ Bucket, Key: `${prefix}/${i + 1}`, Body: body }))
  })
}

async function hashObject(Key: string): Promise<string> {
  const res = await client.send(new GetObjectCommand({ Bucket, Key }))
  const hash = createHash('sha256')
  for await (const chunk of res.Body as Readable) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

type Etag = { ETag?: string; PartNumber: number }

async function sendParts(Key: string, send: (UploadId: string, n: number) => Promise<string | undefined>) {
  const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket, Key }))
  const etags: Etag[] = []
  await inParallel(parts, async (_, i) => {
    etags.push({ ETag: await send(UploadId as string, i + 1), PartNumber: i + 1 })
  })
  etags.sort((a, b) => a.PartNumber - b.PartNumber)
  return { Key, UploadId, etags }
}

async function completeParts(sent: { Key: string; UploadId?: string; etags: Etag[] }): Promise<void> {
  const { Key, UploadId, etags } = sent
  await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: etags } }))
}

async function multipart(Key: string, send: (UploadId: string, n: number) => Promise<string | undefined>) {
  await completeParts(await sendParts(Key, send))
}

const sessions = new Map<string, Awaited<ReturnType<typeof sendParts>>>()
const uploadPart = (Key: string) => async (UploadId: string, n: number) => {
  const body = parts[n - 1] as Buffer
  return (await client.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body: body }))).ETag
}

async function commit(tmp: string, sha: string): Promise<void> {
  if (sha !== digest) throw new Error('digest mismatch')
  await client.send(
    new CopyObjectCommand({ Bucket, Key: `blobs/sha256/${sha}`, CopySource: `${Bucket}/${encodeURIComponent(tmp)}` }),
  )
}

type Variant = { name: string; send: (id: string) => Promise<void>; complete: (id: string) => Promise<void> }

const variants: Variant[] = [
  {
    name: 'parts as objects; complete streams them through sha256 into a new object (shipped)',
    send: (id) => putPartObjects(`uploads/${id}`),
    complete: async (id) => {
      const hash = createHash('sha256')
      const tmp = `tmp/${id}`
      const body = Readable.from(
        (async function* () {
          for (let n = 1; n <= parts.length; n++) {
            const res = await client.send(new GetObjectCommand({ Bucket, Key: `uploads/${id}/${n}` }))
            for await (const chunk of res.Body as Readable) {
              hash.update(chunk as Buffer)
              yield chunk as Buffer
            }
          }
        })(),
      )
      await new Upload({ client, params: { Bucket, Key: tmp, Body: body }, partSize: 5 * MiB, queueSize: 1 }).done()
      await commit(tmp, hash.digest('hex'))
    },
  },
  {
    name: 'parts as objects; complete copies them server-side (UploadPartCopy), then reads once for sha256',
    send: (id) => putPartObjects(`uploads/${id}`),
    complete: async (id) => {
      const tmp = `tmp/${id}`
      await multipart(tmp, async (UploadId, n) => {
        const res = await client.send(
          new UploadPartCopyCommand({
            Bucket,
            Key: tmp,
            UploadId,
            PartNumber: n,
            CopySource: `${Bucket}/uploads/${id}/${n}`,
          }),
        )
        return res.CopyPartResult?.ETag
      })
      await commit(tmp, await hashObject(tmp))
    },
  },
  {
    name: 'one native multipart upload per session; complete reads once for sha256',
    send: async (id) => {
      sessions.set(
        id,
        await sendParts(`tmp/${id}`, async (UploadId, n) => {
          createHash('sha256')
            .update(parts[n - 1] as Buffer)
            .digest('hex')
          return uploadPart(`tmp/${id}`)(UploadId, n)
        }),
      )
    },
    complete: async (id) => {
      await completeParts(sessions.get(id) as Awaited<ReturnType<typeof sendParts>>)
      await commit(`tmp/${id}`, await hashObject(`tmp/${id}`))
    },
  },
  {
    name: 'direct multipart PUT of the same parts (no verification, the baseline)',
    send: async (id) => {
      sessions.set(id, await sendParts(`direct/${id}`, uploadPart(`direct/${id}`)))
    },
    complete: async (id) => completeParts(sessions.get(id) as Awaited<ReturnType<typeof sendParts>>),
  },
]

async function clean(): Promise<void> {
  for (;;) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket }))
    for (const o of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket, Key: o.Key }))
    if (!listed.IsTruncated) return
  }
}

async function main(): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket }))
  const load = os.loadavg().map((n) => n.toFixed(1))
  const rows: string[] = []
  try {
    for (const v of variants) {
      const id = randomUUID()
      const t0 = performance.now()
      await v.send(id)
      const t1 = performance.now()
      await v.complete(id)
      const t2 = performance.now()
      const mibs = (ms: number) => (size / MiB / (ms / 1000)).toFixed(0)
      rows.push(
        `| ${v.name} | ${((t1 - t0) / 1000).toFixed(1)} s | ${((t2 - t1) / 1000).toFixed(1)} s | **${mibs(t2 - t0)}** |`,
      )
      console.error(rows.at(-1))
      await clean()
    }
  } finally {
    await clean()
    await client.send(new DeleteBucketCommand({ Bucket }))
  }
  console.log(
    `${size / MiB} MiB in ${parts.length} parts of ${partSize / MiB} MiB, ${parallel} at a time, to ${endpoint}; ` +
      `load average ${load.join(' ')} before, ${os
        .loadavg()
        .map((n) => n.toFixed(1))
        .join(' ')} after; ${os.cpus().length} cores; Node ${process.version}\n`,
  )
  console.log('| parts, then complete | sending parts | completing | MiB/s overall |\n| --- | ---: | ---: | ---: |')
  console.log(rows.join('\n'))
}

await main()
