import { Readable } from 'node:stream'
import {
  Artifact,
  CompleteUploadBody,
  CreateUploadBody,
  UploadParams,
  UploadPart,
  UploadPartParams,
  UploadSession,
  UploadSessionList,
  VersionParams,
} from '@modelreg/contract'
import { Type } from 'typebox'
import type { Services } from '../services/services.js'
import type { UploadView } from '../services/upload.service.js'
import { declaredLength, expectedDigest, toArtifactResponse } from './artifact-responses.js'
import { modelRef } from './presenters.js'
import { acceptRawBodies, clientWaits } from './raw-body.js'
import { type App, errors } from './route-types.js'

const tags = ['Uploads']

/** Resumable uploads for large files: create a session, PUT parts in any order (retry any), complete. */
export async function uploadRoutes(app: App, services: Services): Promise<void> {
  app.post(
    '/api/v1/models/:org/:name/versions/:version/uploads',
    {
      schema: {
        tags,
        summary: 'Start a resumable upload',
        description:
          'Returns a session id. Parts live for 7 days; GET the session to see which parts arrived. 409 when you ' +
          'have the most open uploads a user may have; 413 when the declared size passes the artifact limit or ' +
          "your open uploads' bytes limit.",
        params: VersionParams,
        body: CreateUploadBody,
        response: { 201: UploadSession, ...errors, 413: errors[400] },
      },
    },
    async (req, reply) => {
      const { org, name, version } = req.params
      const view = await services.uploads.create(req.actor, org, name, version, req.body)
      return reply.code(201).send(toUploadResponse(view))
    },
  )

  app.get(
    '/api/v1/uploads',
    {
      schema: {
        tags,
        summary: 'Your open uploads',
        description:
          'Unexpired sessions you started, to resume or abort them: a user may have a limited number open ' +
          '(MODELREG_MAX_UPLOAD_SESSIONS_PER_USER).',
        response: { 200: UploadSessionList, ...errors },
      },
    },
    async (req) => ({ items: (await services.uploads.listOpen(req.actor)).map(toUploadResponse) }),
  )

  app.get(
    '/api/v1/uploads/:id',
    {
      schema: {
        tags,
        summary: 'An upload session and the parts received',
        params: UploadParams,
        response: { 200: UploadSession, ...errors },
      },
    },
    async (req) => toUploadResponse(await services.uploads.get(req.actor, req.params.id)),
  )

  await app.register(async (scope: App) => {
    acceptRawBodies(scope)
    scope.put(
      '/api/v1/uploads/:id/parts/:number',
      {
        schema: {
          tags,
          summary: 'Send one part',
          description:
            'Raw body; parts 1–10000 in any order; sending a number again replaces it. Optional x-checksum-sha256. ' +
            '413 when the parts would add up to more than the artifact limit (the upload is aborted) or your open ' +
            'uploads would hold more bytes than a user may (the part is not kept; the upload stays).',
          params: UploadPartParams,
          response: { 200: UploadPart, ...errors, 413: errors[400] },
        },
      },
      async (req) => {
        const body = req.body instanceof Readable ? req.body : Readable.from([])
        return services.uploads.putPart(req.actor, req.params.id, req.params.number, body, {
          expectedSha256: expectedDigest(req.headers),
          length: declaredLength(req.headers['content-length']),
        })
      },
    )
  })

  app.post(
    '/api/v1/uploads/:id/complete',
    {
      // The body is optional: no body means "every received part, in order".
      preValidation: async (req) => {
        req.body ??= {}
      },
      schema: {
        tags,
        summary: 'Complete an upload into an artifact',
        description:
          'Joins parts 1..N in order while hashing; checks the declared size and sha256 (a mismatch stores nothing and ' +
          'keeps the session so a bad part can be sent again).',
        params: UploadParams,
        body: CompleteUploadBody,
        response: { 201: Artifact, ...errors },
      },
    },
    async (req, reply) => {
      // Joining many GB of parts sends nothing for minutes: the client is waiting, not idle (and only a
      // signed-in owner of an open session gets here).
      clientWaits(req)
      const { artifact } = await services.uploads.complete(req.actor, req.params.id, req.body.parts)
      return reply.code(201).send(toArtifactResponse(artifact))
    },
  )

  app.delete(
    '/api/v1/uploads/:id',
    { schema: { tags, summary: 'Abort an upload', params: UploadParams, response: { 204: Type.Null(), ...errors } } },
    async (req, reply) => {
      await services.uploads.get(req.actor, req.params.id)
      await services.uploads.abort(req.params.id)
      return reply.code(204).send(null)
    },
  )
}

function toUploadResponse({ session, model, version }: UploadView): UploadSession {
  return {
    id: session.id,
    model: modelRef(model),
    version: version.version,
    path: session.path,
    size: session.expectedSize,
    sha256: session.expectedSha256,
    parts: session.parts.map(({ number, size, sha256 }) => ({ number, size, sha256 })),
    receivedBytes: session.parts.reduce((n, p) => n + p.size, 0),
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
  }
}
