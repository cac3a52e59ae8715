import type { IncomingMessage } from 'node:http'
import path from 'node:path'
import { Readable } from 'node:stream'
import { Artifact, ArtifactList, VersionParams } from '@modelreg/contract'
import { create as contentDisposition } from 'content-disposition'
import type { FastifyReply } from 'fastify'
import rangeParser from 'range-parser'
import { Type } from 'typebox'
import type { ByteRange } from '../blobs/blob-store.js'
import type { DownloadOffload } from '../config/config.js'
import { servedMediaType } from '../domain/artifact-path.js'
import { DomainError } from '../errors.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { ArtifactDownload, DownloadPlan } from '../services/artifact.service.js'
import type { Services } from '../services/services.js'
import { declaredLength, expectedDigest, toArtifactResponse } from './artifact-responses.js'
import { acceptRawBodies } from './raw-body.js'
import { type App, errors, VERSION_HEADER } from './route-types.js'

const tags = ['Artifacts']
/**
 * Uploaded bytes are served from the app's origin: never rendered, never run. A download is an attachment of
 * an inert type, not sniffed, and sandboxed should a browser open it anyway (no script, no fetch, unique origin).
 */
const inertHeaders = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; sandbox",
} as const
const base = '/api/v1/models/:org/:name/versions/:version/artifacts'

const UploadHeaders = Type.Object({
  'x-checksum-sha256': Type.Optional(
    Type.String({ description: 'Hex sha256 of the body; a mismatch stores nothing.' }),
  ),
  digest: Type.Optional(Type.String({ description: 'RFC 3230 alternative: sha-256=<base64>.' })),
})

/** Artifact routes live in their own scope: every body is passed through as a raw stream, never parsed. */
export async function artifactRoutes(app: App, services: Services, downloads: DownloadOffload): Promise<void> {
  await app.register(async (scope: App) => {
    acceptRawBodies(scope)

    scope.put(
      `${base}/*`,
      {
        schema: {
          tags,
          summary: 'Upload an artifact',
          description:
            'Streams the raw body to storage, hashing it on the fly. Optional x-checksum-sha256 (hex) or ' +
            'Digest: sha-256=<base64> is verified; a mismatch is refused with 400 CHECKSUM_MISMATCH and nothing ' +
            'is stored. Refused with 409 VERSION_FROZEN once the version is completed, deployed or archived.',
          params: VersionParams,
          headers: UploadHeaders,
          response: { 201: Artifact, ...errors, 413: errors[400] },
        },
      },
      async (req, reply) => {
        const { org, name, version } = req.params
        const declared = Number(req.headers['content-length'])
        const body = req.body instanceof Readable ? req.body : Readable.from([])
        const gone = clientGone(req.raw)
        try {
          const { artifact } = await services.artifacts.upload(
            req.actor,
            { org, name, version, path: artifactPath(req.params) },
            body,
            {
              expectedSha256: expectedDigest(req.headers),
              declaredSize: Number.isSafeInteger(declared) ? declared : undefined,
              contentType: req.headers['content-type'],
              length: declaredLength(req.headers['content-length']),
              signal: gone.signal,
            },
          )
          return reply.code(201).send(toArtifactResponse(artifact))
        } catch (err) {
          // Whatever the store failed with once the client left, the cause is the client (answered as such).
          throw gone.signal.aborted ? gone.signal.reason : err
        } finally {
          gone.dispose()
        }
      },
    )
  })

  app.get(
    base,
    {
      schema: {
        tags,
        summary: 'List the artifacts of a version',
        params: VersionParams,
        response: { 200: ArtifactList, ...errors },
      },
    },
    async (req, reply) => {
      const { version, artifacts } = await services.artifacts.list(
        req.actor,
        req.params.org,
        req.params.name,
        req.params.version,
      )
      reply.header(VERSION_HEADER, version.version)
      return { items: artifacts.map(toArtifactResponse), totalSize: artifacts.reduce((n, a) => n + a.size, 0) }
    },
  )

  app.route({
    method: ['GET', 'HEAD'],
    url: `${base}/*`,
    exposeHeadRoute: false,
    schema: {
      tags,
      summary: 'Download an artifact',
      description:
        'Streams the file with Content-Length, ETag (the sha256), If-None-Match (304), Range (206, ' +
        'multipart/byteranges for several ranges, 416 when unsatisfiable), If-Range and Content-Disposition. ' +
        "409 ARTIFACT_MISSING when the bytes are gone from the blob store (deleted behind the registry's back).",
      params: VersionParams,
    },
    handler: async (req, reply) => {
      const { org, name, version } = req.params
      const method = req.method === 'HEAD' ? 'HEAD' : 'GET'
      const download = await services.artifacts.download(
        req.actor,
        { org, name, version, path: artifactPath(req.params) },
        (artifact, found) => {
          reply.header(VERSION_HEADER, found.version)
          return planDownload(artifact, method, req.headers, reply, downloads)
        },
      )
      return sendDownload(download, reply)
    },
  })

  app.get(
    '/api/v1/models/:org/:name/versions/:version/archive',
    {
      schema: {
        tags,
        summary: 'Download the whole version as one archive',
        description: 'zip (stored, zip64 when needed; with Content-Length) or tar, streamed file by file.',
        params: VersionParams,
        querystring: Type.Object(
          { format: Type.Optional(Type.Enum(['zip', 'tar'], { default: 'zip' })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const format = req.query.format ?? 'zip'
      const archive = await services.artifacts.archive(
        req.actor,
        req.params.org,
        req.params.name,
        req.params.version,
        format,
      )
      reply
        .headers(inertHeaders)
        .header(VERSION_HEADER, archive.version)
        .header('content-type', format === 'zip' ? 'application/zip' : 'application/x-tar')
        .header('content-disposition', contentDisposition(archive.filename))
      if ('size' in archive && archive.size !== undefined) reply.header('content-length', archive.size)
      return reply.send(archive.stream)
    },
  )

  app.delete(
    `${base}/*`,
    {
      schema: {
        tags,
        summary: 'Delete an artifact',
        description: 'Frees its bytes when no other artifact refers to them. Refused once the version is frozen.',
        params: VersionParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      const { org, name, version } = req.params
      await services.artifacts.delete(req.actor, org, name, version, artifactPath(req.params))
      return reply.code(204).send(null)
    },
  )
}

/**
 * A signal that fires when the client disconnects before its body is complete (the request closes while
 * incomplete), so the blob store stops and removes its temporary object at once. Its reason is coded as a closed
 * connection, which the error handler answers (and logs) as a client abort, not a server failure.
 */
function clientGone(raw: IncomingMessage): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController()
  const onClose = () => {
    if (raw.complete) return
    const reason = Object.assign(new Error('the client closed the connection before the body was complete'), {
      code: 'ECONNABORTED',
    })
    controller.abort(reason)
  }
  raw.once('close', onClose)
  return { signal: controller.signal, dispose: () => raw.off('close', onClose) }
}

/** The wildcard tail of the URL: the artifact path ("/" between folders may be sent as-is or as %2F). */
const artifactPath = (params: object): string => String((params as { '*'?: unknown })['*'] ?? '')

type Headers = Record<string, string | string[] | undefined>

/**
 * Reads the download's HTTP (conditional, Range, offload) into a plan and sets the headers every answer carries
 * (an error's too); an unsatisfiable range is refused here.
 */
export function planDownload(
  artifact: ArtifactRecord,
  method: 'GET' | 'HEAD',
  headers: Headers,
  reply: FastifyReply,
  downloads: DownloadOffload,
): DownloadPlan {
  const etag = `"${artifact.sha256}"`
  reply
    .headers(inertHeaders)
    .header('etag', etag)
    .header('accept-ranges', 'bytes')
    .header('content-disposition', contentDisposition(path.posix.basename(artifact.path)))
    .header('x-checksum-sha256', artifact.sha256)
  if (matchesEtag(headers['if-none-match'], etag)) return { kind: 'not-modified' }
  const rangeHeader = typeof headers.range === 'string' ? headers.range : undefined
  if (method === 'GET' && downloads.mode !== 'none') {
    return {
      kind: 'hand-over',
      offload: downloads,
      filename: path.posix.basename(artifact.path),
      ranged: rangeHeader !== undefined,
    }
  }
  const ifRange = headers['if-range']
  const useRange = rangeHeader !== undefined && (ifRange === undefined || ifRange === etag)
  const ranges = useRange ? rangeParser(artifact.size, rangeHeader, { combine: true }) : -2
  if (ranges === -1) {
    reply.header('content-range', `bytes */${artifact.size}`)
    throw new DomainError('RANGE_NOT_SATISFIABLE', `range "${rangeHeader}" is outside the ${artifact.size}-byte file`, {
      size: artifact.size,
    })
  }
  if (ranges === -2 || ranges.type !== 'bytes' || ranges.length === 0) return { kind: 'stream', method }
  return { kind: 'stream', method, ranges: ranges.map(({ start, end }) => ({ start, end })) }
}

/** Translates a download the service has resolved, counted and opened into the response. */
export function sendDownload({ artifact, plan, bodies, handOver }: ArtifactDownload, reply: FastifyReply) {
  const type = servedMediaType(artifact.mediaType)
  if (plan.kind === 'not-modified') return reply.code(304).send()
  if (plan.kind === 'hand-over') {
    if (handOver?.kind === 'redirect') return reply.redirect(handOver.url, 302)
    // nginx serves the file (and any Range) from its internal location, with these headers.
    return reply
      .header('content-type', type)
      .header('x-accel-redirect', handOver?.path ?? '')
      .code(200)
      .send()
  }
  const head = plan.method === 'HEAD'
  const ranges = plan.ranges
  if (ranges === undefined) {
    reply.header('content-type', type).header('content-length', artifact.size)
    return head ? reply.code(200).send() : reply.code(200).send(bodies[0])
  }
  if (ranges.length === 1) {
    const range = ranges[0] as ByteRange
    reply
      .header('content-type', type)
      .header('content-range', `bytes ${range.start}-${range.end}/${artifact.size}`)
      .header('content-length', range.end - range.start + 1)
    return head ? reply.code(206).send() : reply.code(206).send(bodies[0])
  }
  // Several ranges: multipart/byteranges, each part streamed from the blob store in turn.
  const boundary = `modelreg-${artifact.sha256.slice(0, 24)}`
  const partHead = (r: ByteRange) =>
    `--${boundary}\r\ncontent-type: ${type}\r\ncontent-range: bytes ${r.start}-${r.end}/${artifact.size}\r\n\r\n`
  const tail = `--${boundary}--\r\n`
  const length =
    ranges.reduce((n, r) => n + Buffer.byteLength(partHead(r)) + (r.end - r.start + 1) + 2, 0) + Buffer.byteLength(tail)
  reply.header('content-type', `multipart/byteranges; boundary=${boundary}`).header('content-length', length)
  if (head) return reply.code(206).send()
  const body = Readable.from(
    (async function* () {
      for (const [i, range] of ranges.entries()) {
        yield Buffer.from(partHead(range))
        yield* bodies[i] as Readable
        yield Buffer.from('\r\n')
      }
      yield Buffer.from(tail)
    })(),
  )
  return reply.code(206).send(body)
}

function matchesEtag(header: Headers[string], etag: string): boolean {
  if (typeof header !== 'string') return false
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '')
    return tag === '*' || tag === etag
  })
}
