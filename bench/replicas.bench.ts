// A resumable upload through two registry replicas on PostgreSQL + S3 (the test RGW), its parts spread over both
// and completed on the replica that took the fewest, beside a direct multipart PUT of the same parts to the same RGW.
// Part of `npm run bench`; alone: `npx tsx bench/replicas.bench.ts` (prints its section). BENCH_REPLICAS_MIB,
// BENCH_PART_MIB, BENCH_PARALLEL change the defaults (1024, 64, 4). Needs the built server (npm run build),
// PostgreSQL at TEST_DATABASE_URL's server and the RGW of apps/server/test/helpers/s3.ts.
import { createHash, randomBytes, randomFillSync } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3'
import pg from 'pg'
import {
  freePort,
  type ReplicaProcess,
  startReplica,
  stopReplica,
} from '../apps/server/test/helpers/replica-process.js'
import { openTestBucket } from '../apps/server/test/helpers/s3.js'
import type { BenchSection } from './run.js'

const MiB = 1024 * 1024
const size = Number(process.env.BENCH_REPLICAS_MIB ?? 1024) * MiB
const partSize = Number(process.env.BENCH_PART_MIB ?? 64) * MiB
const parallel = Number(process.env.BENCH_PARALLEL ?? 4)
const postgresUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const password = 'bench-replicas-password'

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  await client.query(text).finally(() => client.end())
}

async function inParallel(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      for (let i = next++; i < count; i = next++) await work(i)
    }),
  )
}

export async function replicasBench(): Promise<BenchSection> {
  const file = randomFillSync(Buffer.alloc(size))
  const digest = createHash('sha256').update(file).digest('hex')
  const count = Math.ceil(size / partSize)
  const part = (i: number) => file.subarray(i * partSize, Math.min(size, (i + 1) * partSize))
  const database = `bench_replicas_${randomBytes(4).toString('hex')}`
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-replicas-'))
  const bucket = await openTestBucket()
  await adminQuery(`create database ${database}`)
  const url = new URL(postgresUrl)
  url.pathname = `/${database}`
  const replicas: ReplicaProcess[] = []
  const load = os.loadavg().map((n) => n.toFixed(1))
  try {
    for (const i of [0, 1]) {
      replicas.push(
        await startReplica(await freePort(), {
          databaseUrl: url.toString(),
          bucket: bucket.bucket,
          adminPassword: password,
          dataDir: path.join(work, `replica-${i}`),
        }),
      )
    }
    const [a, b] = replicas.map((r) => r.url) as [string, string]
    const login = await fetch(`${a}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    })
    const { csrfToken } = (await login.json()) as { csrfToken: string }
    const created = await fetch(`${a}/api/v1/tokens`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
        'x-csrf-token': csrfToken,
      },
      body: JSON.stringify({ name: 'bench', scope: 'admin' }),
    })
    const { token } = (await created.json()) as { token: string }
    const auth = { authorization: `Bearer ${token}` }
    const ok = async (res: Response) => {
      if (!res.ok) throw new Error(`${res.status} ${await res.text()}`)
      return res
    }
    await ok(
      await fetch(`${a}/api/v1/models`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'bench', version: '1.0.0', framework: 'pytorch' }),
      }),
    )

    // Through the registry: session on A, parts alternating A/B, `parallel` at a time, complete on B.
    const t0 = performance.now()
    const session = await ok(
      await fetch(`${a}/api/v1/models/default/bench/versions/1.0.0/uploads`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ path: 'weights.bin', size, sha256: digest }),
      }),
    )
    const { id } = (await session.json()) as { id: string }
    await inParallel(count, async (i) => {
      await ok(
        await fetch(`${i % 2 === 0 ? a : b}/api/v1/uploads/${id}/parts/${i + 1}`, {
          method: 'PUT',
          headers: { ...auth, 'content-type': 'application/octet-stream' },
          body: part(i),
        }),
      )
    })
    const t1 = performance.now()
    const done = await ok(await fetch(`${b}/api/v1/uploads/${id}/complete`, { method: 'POST', headers: auth }))
    const t2 = performance.now()
    if (((await done.json()) as { sha256: string }).sha256 !== digest) throw new Error('digest differs')

    // Directly: one multipart upload of the same parts, `parallel` at a time.
    const client = bucket.store.client
    const Key = 'direct/weights.bin'
    const t3 = performance.now()
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket.bucket, Key }))
    const etags: { ETag?: string; PartNumber: number }[] = []
    await inParallel(count, async (i) => {
      const res = await client.send(
        new UploadPartCommand({ Bucket: bucket.bucket, Key, UploadId, PartNumber: i + 1, Body: part(i) }),
      )
      etags.push({ ETag: res.ETag, PartNumber: i + 1 })
    })
    etags.sort((x, y) => x.PartNumber - y.PartNumber)
    await client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket.bucket, Key, UploadId, MultipartUpload: { Parts: etags } }),
    )
    const t4 = performance.now()

    const mibs = (ms: number) => (size / MiB / (ms / 1000)).toFixed(0)
    const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`
    const direct = t4 - t3
    const after = os.loadavg().map((n) => n.toFixed(1))
    const table = [
      '| path | time | MiB/s | ratio to the direct multipart PUT |',
      '| --- | ---: | ---: | --- |',
      `| registry: the parts, sent to two replicas in turn | ${secs(t1 - t0)} | **${mibs(t1 - t0)}** | ${(direct / (t1 - t0)).toFixed(2)} × |`,
      `| registry: \`complete\` on the other replica (S3 joins the parts; one read through sha256; server-side copy into place) | ${secs(t2 - t1)} | ${mibs(t2 - t1)} | |`,
      `| registry: the whole upload (parts + complete) | ${secs(t2 - t0)} | **${mibs(t2 - t0)}** | ${(direct / (t2 - t0)).toFixed(2)} × |`,
      `| direct multipart PUT of the same parts to RGW (AWS SDK) | ${secs(direct)} | **${mibs(direct)}** | 1 |`,
    ].join('\n')
    const markdown = `## Scale-out: a resumable upload across two replicas (S3)

Written by \`bench/replicas.bench.ts\`. Two registry processes (\`apps/server/dist/main.js\`) on one PostgreSQL
database and one bucket of a one-node Ceph RGW, all on 127.0.0.1: a session made on the first, ${count} parts of
${partSize / MiB} MiB (${size / MiB} MiB of random bytes, sha256 declared) sent ${parallel} at a time with \`fetch\`,
alternating between the replicas, and \`complete\` sent to the second; beside it, the same parts sent ${parallel} at a
time as one multipart upload straight to RGW with the AWS SDK. ${os.cpus().length} cores shared with other work (load
average ${load.join(' ')} before, ${after.join(' ')} after: ratios, not capacities). Node ${process.version}. One run.

${table}

Each part goes on to the bucket as it arrives, as a part of the session's one native multipart upload (one streamed
\`UploadPart\` in 1 MiB pieces, unsigned payload), and joins a running sha256 of the whole file whose state is kept
with the session, on whichever replica took it, once the parts before it are in; \`complete\` has S3 join the parts,
reads back only the parts that could not join the running digest, and copies the object server-side to its content
address ([decision 0024](decisions/0024-native-multipart-upload-sessions.md),
[decision 0029](decisions/0029-running-digest-of-upload-sessions.md), with the alternatives measured).`
    return {
      title: 'Scale-out: a resumable upload across two replicas (S3)',
      summary: `replicas: ${table}`,
      markdown,
      fullScale: size === 1024 * MiB && partSize === 64 * MiB && parallel === 4,
    }
  } finally {
    await Promise.all(replicas.map((r) => stopReplica(r)))
    await bucket.close()
    await adminQuery(`drop database if exists ${database} with (force)`)
    fs.rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  console.log((await replicasBench()).markdown)
}
