// The Hugging Face Hub's model-repository API under /hf, so that huggingface_hub, @huggingface/hub and
// transformers.js work with HF_ENDPOINT=<registry>/hf. An adapter: every rule (visibility, scopes, frozen versions,
// download counting) is the services'; this file translates the Hub's wire format (docs/huggingface.md, ADR 0017).
import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { DownloadOffload } from '../../config/config.js'
import { checkArtifactPath } from '../../domain/artifact-path.js'
import type { ArtifactRecord } from '../../repositories/artifact.repository.js'
import { planDownload, sendDownload } from '../../routes/artifacts.routes.js'
import type { App } from '../../routes/route-types.js'
import type { Services } from '../../services/services.js'
import { CARD_READ_LIMIT, parseFrontMatter } from './hf-card.js'
import { entryNotFound, HfError, sendHfError } from './hf-errors.js'
import { gitBlobOid, isFlagSet, isLfs } from './hf-ids.js'
import {
  commitTitleOf,
  type GitOidOf,
  type TreeEntry,
  toModelInfo,
  toModelSummary,
  treeEntries,
  treeFile,
  treeFolder,
} from './hf-presenters.js'
import { HfRepos, type HfSnapshot, repoIdOf } from './hf-repos.js'
import { hfWriteRoutes } from './hf-write.routes.js'

export const HF_PREFIX = '/hf'

export interface HfOptions {
  /** Entries per page of a tree listing (the Hub's is 1000); tests make it small to exercise Link paging. */
  treePageSize?: number
  /** Seconds an LFS upload URL stays valid. */
  uploadUrlTtlSeconds?: number
  /** Web origins whose scripts may call /hf, or `*` (config MODELREG_HF_CORS_ORIGINS; none by default). */
  corsOrigins?: readonly string[]
}

type Params = { org: string; name: string; rev: string; '*'?: string }
const hidden = { hide: true } as const

export async function hfRoutes(app: App, services: Services, downloads: DownloadOffload, opts: HfOptions = {}) {
  const repos = new HfRepos(services)
  const gitOid = gitOidReader(services)
  const cardOf = cardReader(services)
  const pageSize = opts.treePageSize ?? 1000

  await app.register(
    async (scope: App) => {
      allowOrigins(scope, opts.corsOrigins ?? [])
      scope.setErrorHandler(sendHfError)
      scope.setNotFoundHandler((req, reply) =>
        sendHfError(new HfError(404, `no route ${req.method} ${req.url.split('?')[0]} in the Hub API`), req, reply),
      )
      // The Python client sends paths-info as a form.
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
        done(null, Object.fromEntries(groupParams(new URLSearchParams(String(body)))))
      })

      scope.get('/api/whoami-v2', { schema: hidden }, async (req) => {
        const memberships = await services.identity.memberships(req.actor)
        return {
          type: 'user',
          id: req.actor.userId,
          name: req.actor.username,
          fullname: req.actor.username,
          isPro: false,
          canPay: false,
          emailVerified: true,
          orgs: memberships.map((m) => ({ type: 'org', name: m.org, fullname: m.org, roleInOrg: m.role })),
          auth: {
            type: req.actor.credential === 'token' ? 'access_token' : 'session',
            accessToken: { displayName: 'modelreg token', role: req.actor.scope === 'read' ? 'read' : 'write' },
          },
        }
      })

      scope.get('/api/models', { schema: hidden }, async (req, reply) => {
        const q = req.query as Record<string, unknown>
        const limit = Math.min(Math.max(Number(first(q.limit)) || 50, 1), 100)
        const search = first(q.search)
        const author = first(q.author)
        const cursor = first(q.cursor)
        const page = await services.models.list(req.actor, {
          ...(search && { q: search.slice(0, 200) }),
          ...(author && { org: author }),
          limit,
          ...(cursor && { cursor }),
        })
        if (page.nextCursor !== null) {
          const next = new URLSearchParams()
          if (search) next.set('search', search)
          if (author) next.set('author', author)
          next.set('limit', String(limit))
          next.set('cursor', page.nextCursor)
          reply.header('link', `<${origin(req)}${HF_PREFIX}/api/models?${next}>; rel="next"`)
        }
        return page.items.map((m) => toModelSummary(m.model, repoIdOf(m.model), m.latest))
      })

      const modelInfo = async (req: FastifyRequest, rev: string) => {
        const { org, name } = req.params as Params
        const snapshot = await repos.snapshot(req.actor, org, name, rev)
        const q = req.query as Record<string, unknown>
        return toModelInfo(snapshot, {
          blobs: isFlagSet(q.blobs),
          gitOid,
          downloads: snapshot.files.reduce((n, f) => n + f.downloadCount, 0),
          card: await cardOf(snapshot.files),
        })
      }
      scope.get('/api/models/:org/:name', { schema: hidden }, (req) => modelInfo(req, 'main'))
      scope.get('/api/models/:org/:name/revision/:rev', { schema: hidden }, (req) =>
        modelInfo(req, (req.params as Params).rev),
      )

      const tree = async (req: FastifyRequest, reply: FastifyReply) => {
        const { org, name, rev } = req.params as Params
        const snapshot = await repos.snapshot(req.actor, org, name, rev)
        const dir = ((req.params as Params)['*'] ?? '').replace(/^\/+|\/+$/g, '')
        const q = req.query as Record<string, unknown>
        const { files, folders } = treeEntries(snapshot.files, dir, isFlagSet(q.recursive))
        if (dir !== '' && files.length === 0 && folders.length === 0) throw entryNotFound(dir, snapshot.commit)
        const all: { path: string; file?: ArtifactRecord }[] = [
          ...files.map((f) => ({ path: f.path, file: f })),
          ...folders.map((path) => ({ path })),
        ].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        // Keyset paging over paths: the cursor is the last path of the previous page.
        const after = first(q.cursor)
        const start = after === undefined ? 0 : all.findIndex((e) => e.path > decodeCursor(after))
        const slice = start < 0 ? [] : all.slice(start, start + pageSize)
        const last = slice[slice.length - 1]
        if (last && start + pageSize < all.length) {
          const next = new URLSearchParams()
          for (const key of ['recursive', 'expand'] as const) if (isFlagSet(q[key])) next.set(key, 'true')
          next.set('cursor', Buffer.from(last.path).toString('base64url'))
          reply.header('link', `<${origin(req)}${req.url.split('?')[0]}?${next}>; rel="next"`)
        }
        const expand = isFlagSet(q.expand)
        return Promise.all(
          slice.map(async (e) =>
            withCommit(e.file ? await treeFile(e.file, gitOid) : treeFolder(snapshot.commit, e.path), snapshot, expand),
          ),
        )
      }
      scope.get('/api/models/:org/:name/tree/:rev', { schema: hidden }, tree)
      scope.get('/api/models/:org/:name/tree/:rev/*', { schema: hidden }, tree)

      scope.post(
        '/api/models/:org/:name/paths-info/:rev',
        { schema: hidden, config: { readCall: true } },
        async (req) => {
          const { org, name, rev } = req.params as Params
          const body = (req.body ?? {}) as { paths?: unknown; expand?: unknown }
          const paths = (Array.isArray(body.paths) ? body.paths : [body.paths]).filter(
            (p): p is string => typeof p === 'string',
          )
          if (paths.length === 0) throw new HfError(400, 'paths must name at least one path')
          if (paths.length > 1000) throw new HfError(400, 'at most 1000 paths per request')
          const snapshot = await repos.snapshot(req.actor, org, name, rev)
          const expand = body.expand === true || isFlagSet(body.expand)
          const byPath = new Map(snapshot.files.map((f) => [f.path, f]))
          const folders = new Set(treeEntries(snapshot.files, '', true).folders)
          const out: TreeEntry[] = []
          for (const raw of new Set(paths)) {
            const p = raw.replace(/^\/+|\/+$/g, '')
            const file = byPath.get(p)
            if (file) out.push(withCommit(await treeFile(file, gitOid), snapshot, expand))
            else if (folders.has(p)) out.push(withCommit(treeFolder(snapshot.commit, p), snapshot, expand))
          }
          return out
        },
      )

      const resolve = async (req: FastifyRequest, reply: FastifyReply) => {
        const { org, name, rev } = req.params as Params
        const filePath = (req.params as Params)['*'] ?? ''
        const snapshot = await repos.snapshot(req.actor, org, name, rev)
        let path: string
        try {
          path = checkArtifactPath(filePath)
        } catch {
          throw entryNotFound(filePath, snapshot.commit)
        }
        const artifact = snapshot.files.find((f) => f.path === path)
        if (!artifact) throw entryNotFound(path, snapshot.commit)
        reply.header('x-repo-commit', snapshot.commit)
        reply.header('x-linked-size', String(artifact.size))
        reply.header('x-linked-etag', `"${artifact.sha256}"`)
        const method = req.method === 'HEAD' ? 'HEAD' : 'GET'
        const download = await services.artifacts.download(
          req.actor,
          { org: snapshot.model.org, name: snapshot.model.name, version: snapshot.version.version, path },
          (found) => planDownload(found, method, req.headers, reply, downloads),
        )
        return sendDownload(download, reply)
      }
      for (const kind of ['resolve', 'raw']) {
        scope.route({
          method: ['GET', 'HEAD'],
          url: `/:org/:name/${kind}/:rev/*`,
          exposeHeadRoute: false,
          schema: hidden,
          handler: resolve,
        })
      }

      await hfWriteRoutes(scope, services, repos, { uploadUrlTtlSeconds: opts.uploadUrlTtlSeconds ?? 3600 })
    },
    { prefix: HF_PREFIX },
  )
}

/** Response headers a browser script may read: the ones the Hub's clients use. */
const EXPOSED = [
  'ETag',
  'X-Repo-Commit',
  'X-Linked-Size',
  'X-Linked-Etag',
  'Content-Range',
  'Accept-Ranges',
  'Content-Length',
  'Link',
  'X-Error-Code',
  'X-Error-Message',
  'X-Request-Id',
].join(', ')
const HEADER_LIST = /^[A-Za-z0-9-]+(?:\s*,\s*[A-Za-z0-9-]+)*$/

/**
 * CORS for browser clients (transformers.js, @huggingface/hub): the listed origins (or any, with `*`) may read
 * answers, errors included, and send Authorization and Range. No cookies cross origins (ADR 0026).
 */
function allowOrigins(scope: App, origins: readonly string[]): void {
  if (origins.length === 0) return
  const any = origins.includes('*')
  const allowed = (origin: string | undefined): origin is string =>
    origin !== undefined && (any || origins.includes(origin))
  scope.addHook('onSend', async (req, reply) => {
    if (!any) reply.header('vary', 'Origin')
    if (!allowed(req.headers.origin)) return
    reply.header('access-control-allow-origin', any ? '*' : req.headers.origin)
    reply.header('access-control-expose-headers', EXPOSED)
    reply.header('cross-origin-resource-policy', 'cross-origin')
  })
  // Preflights name no credentials: answered before authentication, for any path under the prefix.
  scope.route({
    method: 'OPTIONS',
    url: '/*',
    schema: hidden,
    config: { access: 'public' },
    handler: async (req, reply) => {
      if (allowed(req.headers.origin)) {
        const asked = req.headers['access-control-request-headers']
        reply.header('access-control-allow-methods', 'GET, HEAD, POST, PUT, DELETE')
        reply.header(
          'access-control-allow-headers',
          typeof asked === 'string' && HEADER_LIST.test(asked) ? asked : 'Authorization, Content-Type, Range',
        )
        reply.header('access-control-max-age', '600')
      }
      return reply.code(204).send()
    },
  })
}

/** The lastCommit of an entry, when the client asked for expanded entries. */
function withCommit<T extends TreeEntry>(entry: T, s: HfSnapshot, expand: boolean): T {
  if (!expand) return entry
  return { ...entry, lastCommit: { id: s.commit, title: commitTitleOf(s.version), date: s.version.updatedAt } }
}

/** git oids of regular files: their bytes hashed once (they are small, see isLfs) and kept by digest. */
function gitOidReader(services: Services): GitOidOf {
  const known = new Map<string, string>()
  return async (artifact: ArtifactRecord) => {
    const cached = known.get(artifact.sha256)
    if (cached) return cached
    if (isLfs(artifact.path, artifact.size)) throw new Error('LFS entries have no git blob of their bytes')
    const bytes = (await services.hfRepos.read(artifact.sha256)) ?? Buffer.alloc(0)
    // Bytes gone from the store: the oid of nothing is still an oid; the download reports the missing bytes.
    const oid =
      bytes.length === artifact.size ? gitBlobOid(bytes) : createHash('sha1').update(artifact.sha256).digest('hex')
    if (known.size > 50_000) known.clear()
    known.set(artifact.sha256, oid)
    return oid
  }
}

/** The front matter of the version's README.md (cardData), parsed once per README digest. */
function cardReader(services: Services) {
  const known = new Map<string, Record<string, unknown> | undefined>()
  return async (files: readonly ArtifactRecord[]) => {
    const readme = files.find((f) => f.path.toLowerCase() === 'readme.md')
    if (!readme) return undefined
    if (known.has(readme.sha256)) return known.get(readme.sha256)
    let card: Record<string, unknown> | undefined
    try {
      const end = Math.min(readme.size, CARD_READ_LIMIT) - 1
      const head = end >= 0 ? await services.hfRepos.read(readme.sha256, { start: 0, end }) : Buffer.alloc(0)
      card = head === undefined ? undefined : parseFrontMatter(head.toString('utf8'))
    } catch {
      // Bytes gone from the store: no card data; the README's download reports the missing bytes.
      card = undefined
    }
    if (known.size > 10_000) known.clear()
    known.set(readme.sha256, card)
    return card
  }
}

const first = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, 'base64url').toString('utf8')
}

/** Absolute origin for Link headers (the JavaScript client accepts only absolute next-page URLs). */
export function origin(req: FastifyRequest): string {
  return `${req.protocol}://${req.host}`
}

function groupParams(params: URLSearchParams): Map<string, string | string[]> {
  const out = new Map<string, string | string[]>()
  for (const [key, value] of params) {
    const had = out.get(key)
    out.set(key, had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value])
  }
  return out
}
