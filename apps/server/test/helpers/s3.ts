// The S3 server the tests use: Ceph RGW started by scripts/ceph-rgw.sh (scripts/test.sh does), or $TEST_S3_*.
import { randomBytes } from 'node:crypto'
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
} from '@aws-sdk/client-s3'
import { S3BlobStore, type S3BlobStoreOptions } from '../../src/blobs/s3-blob-store.js'

export const s3Settings = {
  endpoint: process.env.TEST_S3_ENDPOINT ?? 'http://127.0.0.1:7480',
  region: 'us-east-1',
  accessKeyId: process.env.TEST_S3_ACCESS_KEY ?? 'modelreg-test',
  secretAccessKey: process.env.TEST_S3_SECRET_KEY ?? 'modelreg-test-secret',
  forcePathStyle: true,
}

/** A fresh bucket on the test S3 server; fails loudly when there is none. */
export async function openTestBucket(opts: Partial<S3BlobStoreOptions> = {}) {
  const bucket = `modelreg-test-${randomBytes(5).toString('hex')}`
  const store = new S3BlobStore({ ...s3Settings, bucket, ...opts })
  try {
    await store.client.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (err) {
    throw new Error(
      `no S3 server at ${s3Settings.endpoint} (${String(err)}): the suite tests the S3 blob store against a real one; ` +
        'start it with scripts/ceph-rgw.sh start <dir> (scripts/test.sh does) or set TEST_S3_ENDPOINT',
    )
  }
  const keys = async (prefix = '') =>
    ((await store.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? []).map(
      (o) => o.Key ?? '',
    )
  /** Multipart uploads in progress (keys), e.g. those of open upload sessions. */
  const multipartUploads = async (prefix = '') =>
    (await store.client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }))).Uploads ?? []
  return {
    store,
    bucket,
    keys,
    multipartUploads,
    close: async () => {
      for (const u of await multipartUploads()) {
        await store.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key, UploadId: u.UploadId }))
      }
      const all = await keys()
      if (all.length > 0) {
        await store.client.send(
          new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: all.map((Key) => ({ Key })) } }),
        )
      }
      await store.client.send(new DeleteBucketCommand({ Bucket: bucket }))
      store.client.destroy()
    },
  }
}
