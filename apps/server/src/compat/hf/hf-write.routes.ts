// The Hub's write side: repos/create, preupload, the LFS batch API (basic transfer) with short-lived signed upload
// URLs, and ndjson commits, each commit one new version (docs/huggingface.md, "Publishing"). Upload URLs and the
// bytes they received live in the database (hf_lfs_objects), so batch, PUT and commit may reach different replicas.
import { Readable } from 'node:stream'
import type { FastifyRequest } from 'fastify'
import type { StagedBlob } from '../../blobs/blob-store.js'
import { checkArtifactPath } from '../../domain/artifact-path.js'
import { parseReference } from '../../domain/version-reference.js'
import { DomainError } from '../../errors.js'
import { acceptRawBodies } from '../../routes/raw-body.js'
import type { App } from '../../routes/route-types.js'
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
}

export async function hfWriteRoutes(scope: App, services: Services, repos: HfRepos, opts: HfWriteOptions) {
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
    const wanted = body.objects.map((o: unknown) => {
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
      return { oid, size }
    })
    const offers = await services.hfLfs.offerUploads(req.actor, model, wanted, opts.uploadUrlTtlSeconds)
    const objects = offers.map((o) => {
      if (o.kind === 'too-large') {
        return { oid: o.oid, size: o.size, error: { code: 422, message: `larger than the ${o.limit}-byte limit` } }
      }
      if (o.kind === 'present') return { oid: o.oid, size: o.size }
      return {
        oid: o.oid,
        size: o.size,
        authenticated: true,
        actions: {
          upload: { href: `${origin(req)}/hf/lfs-objects/${o.token}`, expires_at: new Date(o.expiresAt).toISOString() },
        },
      }
    })
    reply.type('application/vnd.git-lfs+json')
    return { transfer: 'basic', objects, hash_algo: 'sha256' }
  })

  // The upload URL is its own short-lived credential: clients PUT the bytes with no Authorization.
  await scope.register(async (raw: App) => {
    acceptRawBodies(raw)
    raw.put('/lfs-objects/:token', { schema: hidden, config: { access: 'public' } }, async (req, reply) => {
      const body = req.body instanceof Readable ? req.body : Readable.from([])
      await services.hfLfs.receive((req.params as { token: string }).token, body)
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
    // LFS objects: bytes this model already holds, or that this caller uploaded to it (and so proved they have).
    const claimed = await services.hfLfs.claim(req.actor, parent.model, commit.lfsFiles)
    const put: { path: string; sha256: string; size: number; staged?: StagedBlob }[] = [...claimed.files]
    const staged: StagedBlob[] = []
    try {
      for (const file of commit.files) {
        const blob = await services.hfLfs.stageInline(file.content)
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
      // The version's files now reference the uploaded bytes: their holds have done their work.
      await services.hfLfs
        .release(req.actor, parent.model, claimed.uploaded)
        .catch((err: unknown) => req.log.warn({ err }, 'releasing LFS holds failed; they expire by themselves'))
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
