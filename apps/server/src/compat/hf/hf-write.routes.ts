// The Hub's write side: repos/create, preupload, the LFS batch API (basic transfer) with short-lived signed upload
// URLs, and ndjson commits, each commit one new version (docs/huggingface.md, "Publishing").
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import type { StagedBlob } from '../../blobs/blob-store.js'
import { checkArtifactPath } from '../../domain/artifact-path.js'
import { parseReference } from '../../domain/version-reference.js'
import { DomainError } from '../../errors.js'
import { acceptRawBodies } from '../../routes/raw-body.js'
import type { App } from '../../routes/route-types.js'
import { translateStageError } from '../../services/artifact.service.js'
import { actorOf } from '../../services/auth.service.js'
import type { Actor } from '../../services/service-deps.js'
import type { Services } from '../../services/services.js'
import { entryNotFound, HfError } from './hf-errors.js'
import { isHubName, isLfs, parseRevision } from './hf-ids.js'
import { type HfRepos, repoIdOf } from './hf-repos.js'

const hidden = { hide: true } as const
const COMMIT_BODY_LIMIT = 64 * 1024 * 1024
const OID = /^[0-9a-f]{64}$/
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/
type Params = { org: string; name: string; rev: string }

export interface HfWriteOptions {
  uploadUrlTtlSeconds: number
  /** HMAC key of upload URLs; every replica behind one address must share it (random per process by default). */
  signingKey?: Buffer
}

export async function hfWriteRoutes(scope: App, services: Services, repos: HfRepos, opts: HfWriteOptions) {
  const key = opts.signingKey ?? randomBytes(32)
  const uploads = new UploadTickets(key, opts.uploadUrlTtlSeconds)
  /** LFS objects a user proved they have (uploaded through a ticket), for their next commit. */
  const received = new ReceivedObjects()

  scope.addContentTypeParser(
    'application/vnd.git-lfs+json',
    { parseAs: 'string', bodyLimit: 1024 * 1024 },
    scope.getDefaultJsonParser('error', 'error'),
  )
  scope.addContentTypeParser(
    'application/x-ndjson',
    { parseAs: 'string', bodyLimit: COMMIT_BODY_LIMIT },
    (_req, body, done) => done(null, body),
  )

  scope.post('/api/validate-yaml', { schema: hidden, config: { readOnly: true } }, async () => ({
    errors: [],
    warnings: [],
  }))

  scope.post('/api/repos/create', { schema: hidden }, async (req, reply) => {
    const body = objectBody(req.body)
    const type = body.type ?? 'model'
    if (type !== 'model') throw new HfError(400, `only model repositories live here, not "${String(type)}"`)
    if (typeof body.name !== 'string' || !isHubName(body.name)) {
      throw new HfError(
        400,
        'name must be 1–96 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      )
    }
    const org = typeof body.organization === 'string' ? body.organization : undefined
    const privateRepo = body.visibility === 'private' || body.private === true
    if (body.files !== undefined) throw new HfError(400, 'files are added with a commit, not at creation')
    try {
      const created = await services.models.create(req.actor, {
        name: body.name,
        ...(org && { org }),
        framework: 'others',
        frameworkOther: 'unspecified',
        publicAccess: !privateRepo,
        description: 'created through the Hugging Face API',
      })
      const repoId = repoIdOf(created.model)
      return { url: `${origin(req)}/hf/models/${repoId}`, name: repoId, id: String(created.model.id) }
    } catch (err) {
      if (err instanceof DomainError && err.code === 'ALREADY_EXISTS') {
        return reply
          .code(409)
          .send({ error: `You already created this model repo: ${org ?? ''}/${body.name}`, url: '' })
      }
      throw err
    }
  })

  scope.post('/api/models/:org/:name/preupload/:rev', { schema: hidden }, async (req) => {
    const { org, name } = req.params as Params
    await repos.model(req.actor, org, name, 'write')
    const files = objectBody(req.body).files
    if (!Array.isArray(files) || files.length > 1000) throw new HfError(400, 'files must be a list of at most 1000')
    return {
      files: files.map((f: unknown) => {
        const file = objectBody(f)
        const size = file.size
        if (typeof file.path !== 'string' || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
          throw new HfError(400, 'each file needs a path and a size')
        }
        const path = checkedPath(file.path)
        return { path, uploadMode: isLfs(path, size) ? 'lfs' : 'regular', shouldIgnore: false }
      }),
    }
  })

  scope.post('/:org/:repo/info/lfs/objects/batch', { schema: hidden }, async (req, reply) => {
    const { org, repo } = req.params as { org: string; repo: string }
    if (!repo.endsWith('.git')) throw new HfError(404, 'not a repository URL (…/<name>.git/info/lfs/objects/batch)')
    const model = await repos.model(req.actor, org, repo.slice(0, -4), 'write')
    const body = objectBody(req.body)
    if (body.operation !== 'upload') throw new HfError(400, 'only the "upload" operation is offered')
    if (!Array.isArray(body.objects) || body.objects.length > 1000) {
      throw new HfError(400, 'objects must be a list of at most 1000')
    }
    const limit = services.deps.limits.maxArtifactBytes
    // Bytes already in this model need no upload; anything else is uploaded, proving the caller has it.
    const known = new Set(await services.deps.store.read.artifacts.digestsOfModel(model.id))
    const objects = body.objects.map((o: unknown) => {
      const { oid, size } = objectBody(o)
      if (
        typeof oid !== 'string' ||
        !OID.test(oid) ||
        typeof size !== 'number' ||
        !Number.isSafeInteger(size) ||
        size < 0
      ) {
        throw new HfError(400, 'each object needs oid (64 lower-case hex, sha256) and size')
      }
      if (limit !== undefined && size > limit) {
        return { oid, size, error: { code: 422, message: `larger than the ${limit}-byte limit` } }
      }
      if (known.has(oid)) {
        received.add(req.actor.userId, oid)
        return { oid, size }
      }
      const ticket = uploads.issue({
        org: model.org,
        name: model.name,
        oid,
        size,
        userId: req.actor.userId,
        scope: req.actor.scope,
      })
      return {
        oid,
        size,
        authenticated: true,
        actions: {
          upload: { href: `${origin(req)}/hf/lfs-objects/${ticket.token}`, expires_at: ticket.expiresAt },
        },
      }
    })
    reply.type('application/vnd.git-lfs+json')
    return { transfer: 'basic', objects, hash_algo: 'sha256' }
  })

  // The upload URL carries its own short-lived signature: clients PUT the bytes with no Authorization.
  await scope.register(async (raw: App) => {
    acceptRawBodies(raw)
    raw.put('/lfs-objects/:token', { schema: hidden, config: { access: 'public' } }, async (req, reply) => {
      const ticket = uploads.check((req.params as { token: string }).token)
      const user = await services.deps.store.read.users.findById(ticket.userId)
      if (!user) throw new HfError(403, 'the upload URL is not valid any more')
      const actor = actorOf(user, ticket.scope)
      const body = req.body instanceof Readable ? req.body : Readable.from([])
      await services.artifacts.storeBlob(actor, ticket, body, { sha256: ticket.oid, size: ticket.size })
      received.add(actor.userId, ticket.oid)
      return reply.code(200).send({})
    })
  })

  scope.post('/api/models/:org/:name/commit/:rev', { schema: hidden }, async (req) => {
    const { org, name, rev } = req.params as Params
    if (typeof req.body !== 'string') throw new HfError(415, 'send the commit as application/x-ndjson')
    const commit = parseCommit(req.body)
    const revision = parseRevision(rev)
    let newVersion: string | undefined = commit.version
    if (revision.kind !== 'main') {
      const ref = revision.kind === 'reference' ? safeReference(revision.text) : undefined
      if (ref?.kind !== 'exact') {
        throw new HfError(400, 'commit to "main" (the next patch version) or to a new version number (e.g. 1.3.0)')
      }
      newVersion = ref.text
    }
    const parent = await repos.snapshot(req.actor, org, name, 'main', 'write')
    if (commit.parentCommit !== undefined && commit.parentCommit !== parent.commit) {
      throw new HfError(
        412,
        `A commit has happened since: the parent commit ${commit.parentCommit} is not the head ${parent.commit}`,
      )
    }
    const deletes = new Set<string>()
    for (const path of commit.deletedFiles) {
      if (!parent.files.some((f) => f.path === path))
        throw entryNotFound(`A file with this name doesn't exist: ${path}`, parent.commit)
      deletes.add(path)
    }
    for (const folder of commit.deletedFolders) {
      const under = parent.files.filter((f) => f.path.startsWith(`${folder}/`))
      if (under.length === 0) throw entryNotFound(`A folder with this name doesn't exist: ${folder}`, parent.commit)
      for (const f of under) deletes.add(f.path)
    }
    // LFS objects: bytes this model already holds, or that this caller just uploaded (and so proved they have).
    const inModel = new Set(parent.files.map((f) => f.sha256))
    const put: { path: string; sha256: string; size: number; staged?: StagedBlob }[] = []
    for (const lfs of commit.lfsFiles) {
      const stored = await services.deps.blobs.stat(lfs.oid)
      const known = inModel.has(lfs.oid) || received.has(req.actor.userId, lfs.oid)
      if (!stored || !known)
        throw new HfError(400, `LFS object ${lfs.oid} (${lfs.path}) was not uploaded; upload it first`)
      if (lfs.size !== undefined && lfs.size !== stored.size) {
        throw new HfError(400, `LFS object ${lfs.oid} is ${stored.size} bytes, not ${lfs.size}`)
      }
      put.push({ path: lfs.path, sha256: lfs.oid, size: stored.size })
    }
    const staged: StagedBlob[] = []
    try {
      for (const file of commit.files) {
        const blob = await services.deps.blobs
          .stage(Readable.from([file.content]), { maxBytes: services.deps.limits.maxArtifactBytes })
          .catch((err: unknown) => {
            throw translateStageError(err)
          })
        staged.push(blob)
        put.push({ path: file.path, sha256: blob.info.sha256, size: blob.info.size, staged: blob })
      }
      const fillBase =
        parent.files.length === 0 &&
        newVersion === undefined &&
        !['completed', 'deployed', 'archived'].includes(parent.version.status)
      let result: Awaited<ReturnType<Services['versions']['commitFiles']>>
      try {
        result = await services.versions.commitFiles(req.actor, parent.model.org, parent.model.name, {
          baseVersionId: parent.version.id,
          baseFiles: parent.files,
          fillBase,
          ...(newVersion !== undefined && { version: newVersion }),
          description: [commit.summary, commit.description].filter((s) => s !== '').join('\n\n'),
          put,
          delete: [...deletes],
        })
      } catch (err) {
        if (err instanceof DomainError && err.code === 'CONFLICT' && err.details.stale === true) {
          throw new HfError(412, `${err.message}; fetch the new head and commit again`)
        }
        throw err
      }
      const head = await repos.snapshotOf(result.model, result.version.version)
      return {
        success: true,
        commitOid: head.commit,
        commitUrl: `${origin(req)}/hf/models/${head.repoId}/commit/${head.commit}`,
        hookOutput: '',
        modelreg: { version: result.version.version },
      }
    } finally {
      for (const blob of staged) await blob.discard()
    }
  })
}

interface ParsedCommit {
  summary: string
  description: string
  parentCommit?: string
  version?: string
  files: { path: string; content: Buffer }[]
  lfsFiles: { path: string; oid: string; size?: number }[]
  deletedFiles: string[]
  deletedFolders: string[]
}

const OPERATION_KEYS: Record<string, string[]> = {
  header: ['summary', 'description', 'parentCommit', 'version'],
  file: ['path', 'content', 'encoding'],
  lfsFile: ['path', 'algo', 'oid', 'size'],
  deletedFile: ['path'],
  deletedFolder: ['path'],
}

/** Reads and checks the whole ndjson body before anything is stored: a bad line refuses the commit. */
export function parseCommit(body: string): ParsedCommit {
  const lines = body.split('\n').filter((l) => l.trim() !== '')
  if (lines.length === 0) throw new HfError(400, 'the commit is empty: send a header line first')
  const out: ParsedCommit = {
    summary: '',
    description: '',
    files: [],
    lfsFiles: [],
    deletedFiles: [],
    deletedFolders: [],
  }
  const seen = new Set<string>()
  const claim = (raw: unknown, n: number, folder = false) => {
    if (typeof raw !== 'string') throw new HfError(400, `line ${n}: path must be a string`)
    const path = checkedPath(folder ? raw.replace(/\/+$/, '') : raw, n)
    if (seen.has(path)) throw new HfError(400, `line ${n}: "${path}" appears twice in the commit`)
    seen.add(path)
    return path
  }
  lines.forEach((line, i) => {
    const n = i + 1
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch {
      throw new HfError(400, `line ${n} is not JSON`)
    }
    const { key, value, ...rest } = objectBody(parsed, `line ${n}`)
    if (Object.keys(rest).length > 0) throw new HfError(400, `line ${n}: unknown field ${Object.keys(rest)[0]}`)
    if (typeof key !== 'string' || !Object.hasOwn(OPERATION_KEYS, key)) {
      throw new HfError(400, `line ${n}: unknown operation key ${JSON.stringify(key)}`)
    }
    const v = objectBody(value, `line ${n}: value`)
    const unknown = Object.keys(v).find((k) => !(OPERATION_KEYS[key] as string[]).includes(k))
    if (unknown) throw new HfError(400, `line ${n}: unknown field "${unknown}" in ${key}`)
    if ((key === 'header') !== (n === 1)) throw new HfError(400, `line ${n}: the header comes first, once`)
    switch (key) {
      case 'header': {
        for (const field of ['summary', 'description'] as const) {
          if (v[field] !== undefined && typeof v[field] !== 'string')
            throw new HfError(400, `header.${field} must be text`)
        }
        out.summary = String(v.summary ?? '').trim()
        out.description = String(v.description ?? '').trim()
        if (v.parentCommit !== undefined && v.parentCommit !== null) {
          if (typeof v.parentCommit !== 'string' || !/^[0-9a-fA-F]{40}$/.test(v.parentCommit)) {
            throw new HfError(400, 'header.parentCommit must be a 40-hex commit id')
          }
          out.parentCommit = v.parentCommit.toLowerCase()
        }
        if (v.version !== undefined) {
          const ref = typeof v.version === 'string' ? safeReference(v.version) : undefined
          if (ref?.kind !== 'exact') throw new HfError(400, 'header.version must be a version number such as 1.3.0')
          out.version = ref.text
        }
        break
      }
      case 'file': {
        if (v.encoding !== 'base64') throw new HfError(400, `line ${n}: encoding must be "base64"`)
        if (typeof v.content !== 'string' || !BASE64.test(v.content))
          throw new HfError(400, `line ${n}: content is not valid base64`)
        out.files.push({ path: claim(v.path, n), content: Buffer.from(v.content, 'base64') })
        break
      }
      case 'lfsFile': {
        if (v.algo !== undefined && v.algo !== 'sha256') throw new HfError(400, `line ${n}: algo must be "sha256"`)
        if (typeof v.oid !== 'string' || !OID.test(v.oid))
          throw new HfError(400, `line ${n}: oid must be 64 lower-case hex`)
        if (v.size !== undefined && (typeof v.size !== 'number' || !Number.isSafeInteger(v.size) || v.size < 0)) {
          throw new HfError(400, `line ${n}: size must be a whole number of bytes`)
        }
        out.lfsFiles.push({
          path: claim(v.path, n),
          oid: v.oid,
          ...(v.size !== undefined && { size: v.size as number }),
        })
        break
      }
      case 'deletedFile':
        out.deletedFiles.push(claim(v.path, n))
        break
      case 'deletedFolder':
        out.deletedFolders.push(claim(v.path, n, true))
        break
    }
  })
  if (lines.length === 1) throw new HfError(400, 'the commit changes nothing')
  return out
}

function checkedPath(raw: string, line?: number): string {
  try {
    return checkArtifactPath(raw)
  } catch (err) {
    throw new HfError(400, `${line ? `line ${line}: ` : ''}${err instanceof Error ? err.message : 'bad path'}`)
  }
}

function safeReference(text: string) {
  try {
    return parseReference(text, 'revision')
  } catch {
    return undefined
  }
}

function objectBody(value: unknown, what = 'the body'): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new HfError(400, `${what} must be a JSON object`)
  return value as Record<string, unknown>
}

const origin = (req: FastifyRequest) => `${req.protocol}://${req.host}`

interface Ticket {
  org: string
  name: string
  oid: string
  size: number
  userId: string
  scope: Actor['scope']
}

/** Upload URLs: the ticket's fields, an expiry and an HMAC over both. */
class UploadTickets {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSeconds: number,
  ) {}

  issue(t: Ticket): { token: string; expiresAt: string } {
    const expires = Math.floor(Date.now() / 1000) + this.ttlSeconds
    const payload = Buffer.from(JSON.stringify({ ...t, exp: expires })).toString('base64url')
    return { token: `${payload}.${this.sign(payload)}`, expiresAt: new Date(expires * 1000).toISOString() }
  }

  check(token: string): Ticket {
    const [payload = '', signature = ''] = token.split('.')
    const expected = Buffer.from(this.sign(payload))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new HfError(403, 'the upload URL is not valid (bad signature)')
    }
    const t = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Ticket & { exp: number }
    if (t.exp < Date.now() / 1000) throw new HfError(403, 'the upload URL has expired; ask the batch API for a new one')
    return t
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url')
  }
}

/** (user, oid) pairs whose bytes the user uploaded or already had in the model, kept for a day. */
class ReceivedObjects {
  private readonly until = new Map<string, number>()
  add(userId: string, oid: string) {
    if (this.until.size > 100_000) this.until.clear()
    this.until.set(`${userId}\0${oid}`, Date.now() + 86_400_000)
  }
  has(userId: string, oid: string): boolean {
    return (this.until.get(`${userId}\0${oid}`) ?? 0) > Date.now()
  }
}
