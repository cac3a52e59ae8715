// The PostgreSQL + S3 backup recipe of docs/operations.md, run as written (pg_dump, aws s3 sync, pg_restore) against
// a registry on its own database and bucket: the restored registry, on a new database and bucket, serves every
// model, version and file identically.
import { execFile } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'
import { promisify } from 'node:util'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRegistry, type Registry } from '../../src/bootstrap.js'
import { actorOf } from '../../src/services/auth.service.js'
import { ADMIN_PASSWORD, postgresUrl, unitLane } from '../helpers/registry.js'
import { openTestBucket, s3Settings } from '../helpers/s3.js'

const run = promisify(execFile)
const repoRoot = path.resolve(import.meta.dirname, '../../../..')
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** The fenced block after the `<!-- tested by … -->` marker of docs/operations.md. */
function recipe(): string {
  const doc = fs.readFileSync(path.join(repoRoot, 'docs/operations.md'), 'utf8')
  const match =
    /<!-- tested by apps\/server\/test\/admin\/postgres-s3-backup\.test\.ts -->\n```sh\n([\s\S]*?)```\n/.exec(doc)
  if (!match?.[1]) throw new Error('docs/operations.md has no ```sh block after the backup recipe marker')
  return match[1]
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

const databaseUrl = (name: string) => {
  const url = new URL(postgresUrl)
  url.pathname = `/${name}`
  return url.toString()
}

async function bytesOf(registry: Registry, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of await registry.blobs.get(digest)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

/** Every model, version and file of a registry, with the bytes' digests read back from its blob store. */
async function contents(registry: Registry) {
  const admin = await registry.store.pool.users.findByUsername('admin')
  if (!admin) throw new Error('no admin')
  const actor = actorOf(admin, 'admin', 'session')
  const out: string[] = []
  for (const { model } of (await registry.services.models.list(actor, {})).items) {
    for (const version of ['1.0.0', '1.1.0']) {
      const listed = await registry.services.artifacts
        .list(actor, model.org, model.name, version)
        .catch(() => undefined)
      if (!listed) continue
      for (const a of listed.artifacts) {
        out.push(
          `${model.org}/${model.name}@${version} ${a.path} ${a.size} ${a.sha256} ${sha(await bytesOf(registry, a.sha256))}`,
        )
      }
    }
  }
  return out.sort()
}

describe.skipIf(unitLane)('the PostgreSQL + S3 backup recipe', () => {
  const suffix = `${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
  const [source, target] = [`backup_src_${suffix}`, `backup_dst_${suffix}`]
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-pg-s3-backup-'))
  let buckets: Awaited<ReturnType<typeof openTestBucket>>[] = []
  let live: Registry | undefined
  let restored: Registry | undefined

  beforeAll(async () => {
    await adminQuery(`create database ${source}`)
    await adminQuery(`create database ${target}`)
    buckets = [await openTestBucket(), await openTestBucket()]
  })
  afterAll(async () => {
    await live?.db.close()
    await restored?.db.close()
    for (const b of buckets) await b.close()
    for (const db of [source, target]) await adminQuery(`drop database if exists ${db} with (force)`)
    fs.rmSync(scratch, { recursive: true, force: true })
  })

  const open = (database: string, bucket: string) =>
    openRegistry({
      database: { kind: 'postgres', url: databaseUrl(database) },
      s3: { ...s3Settings, bucket },
      blobRoot: path.join(scratch, database),
      adminPassword: ADMIN_PASSWORD,
    })

  it('restores every model, version and file identically into a new database and bucket', async () => {
    live = await open(source, buckets[0]?.bucket as string)
    const admin = await live.store.pool.users.findByUsername('admin')
    if (!admin) throw new Error('no admin')
    const actor = actorOf(admin, 'admin', 'session')
    const shared = randomBytes(3000)
    for (const name of ['bert', 'resnet', 'detr']) {
      await live.services.models.create(actor, { name, version: '1.0.0', framework: 'pytorch' })
      await live.services.versions.create(actor, 'default', name, { version: '1.1.0' })
      for (const [version, file, bytes] of [
        ['1.0.0', 'weights.bin', randomBytes(5000)],
        ['1.1.0', 'weights.bin', randomBytes(7000)],
        ['1.1.0', 'shared/tokenizer.json', shared],
      ] as const) {
        await live.services.artifacts.upload(
          actor,
          { org: 'default', name, version, path: file },
          Readable.from([bytes]),
          {},
        )
      }
    }
    const before = await contents(live)
    expect(before).toHaveLength(9)

    await run('bash', ['-euo', 'pipefail', '-c', recipe()], {
      cwd: scratch,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl(source),
        MODELREG_S3_BUCKET: buckets[0]?.bucket,
        MODELREG_S3_PREFIX: '',
        NEW_BUCKET: buckets[1]?.bucket,
        NEW_DATABASE_URL: databaseUrl(target),
        AWS_ACCESS_KEY_ID: s3Settings.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3Settings.secretAccessKey,
        AWS_DEFAULT_REGION: s3Settings.region,
        AWS_ENDPOINT_URL: s3Settings.endpoint,
      },
      timeout: 120_000,
    })

    restored = await open(target, buckets[1]?.bucket as string)
    expect(await contents(restored)).toEqual(before)
  }, 180_000)
})
