// The benchmark's own Ceph RADOS Gateway (scripts/ceph-rgw.sh) on free ports, and S3 calls made directly to it.
import path from 'node:path'
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3'
import { getSignedUrl } from '@aws-sdk/s3-request-presigner'
import { freePort, onExit, run, runSync } from './processes.js'

export interface Rgw {
  endpoint: string
  accessKeyId: string
  secretAccessKey: string
  region: string
  client: S3Client
  stop(): Promise<void>
}

const accessKeyId = 'modelreg-bench'
const secretAccessKey = 'modelreg-bench-secret'

export async function startRgw(repoRoot: string, dir: string): Promise<Rgw> {
  const script = path.join(repoRoot, 'scripts/ceph-rgw.sh')
  const [port, monV2, monV1] = [await freePort(), await freePort(), await freePort()]
  const env = {
    ...process.env,
    RGW_ACCESS_KEY: accessKeyId,
    RGW_SECRET_KEY: secretAccessKey,
    RGW_MON_PORT_V2: String(monV2),
    RGW_MON_PORT_V1: String(monV1),
    // Sparse: room for the 4 GiB file, its temporary copy and the old objects RGW's GC has not freed yet.
    RGW_DISK_BYTES: String(40 * 1024 ** 3),
  }
  const removeHook = onExit(() => runSync('bash', [script, 'stop', dir]))
  const started = await run('bash', [script, 'start', dir, String(port)], { timeoutMs: 240_000, env })
  if (started.code !== 0) {
    await run('bash', [script, 'stop', dir], { timeoutMs: 60_000 })
    removeHook()
    throw new Error(`ceph-rgw.sh start failed (${started.code}): ${started.stderr.trim().slice(-1000)}`)
  }
  const endpoint = `http://127.0.0.1:${port}`
  const region = 'us-east-1'
  const client = new S3Client({
    endpoint,
    region,
    forcePathStyle: true,
    credentials: { accessKeyId, secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  return {
    endpoint,
    accessKeyId,
    secretAccessKey,
    region,
    client,
    stop: async () => {
      client.destroy()
      await run('bash', [script, 'stop', dir], { timeoutMs: 60_000 })
      removeHook()
    },
  }
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }))
}

export function presignedGet(client: S3Client, bucket: string, key: string): Promise<string> {
  return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 3600 })
}

export function presignedPut(client: S3Client, bucket: string, key: string): Promise<string> {
  return getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key }), { expiresIn: 3600 })
}

export async function objectSize(client: S3Client, bucket: string, key: string): Promise<number> {
  const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))
  return Number(head.ContentLength ?? -1)
}
