import { type Static, Type } from 'typebox'
import { Line, Nullable, Timestamp } from './common.js'

export const CreateUploadBody = Type.Object(
  {
    path: Type.String({ minLength: 1, maxLength: 1024, description: 'Artifact path, e.g. weights/model.safetensors' }),
    size: Type.Optional(Type.Integer({ minimum: 0, description: 'Total size; checked on complete.' })),
    sha256: Type.Optional(
      Type.String({ pattern: '^[0-9a-f]{64}$', description: 'Checked on complete; a mismatch stores nothing.' }),
    ),
    mediaType: Type.Optional(Line({ maxLength: 200 })),
  },
  { additionalProperties: false },
)
export type CreateUploadBody = Static<typeof CreateUploadBody>

export const UploadPart = Type.Object({
  number: Type.Integer({ minimum: 1, maximum: 10_000 }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String(),
})
export type UploadPart = Static<typeof UploadPart>

export const UploadSession = Type.Object(
  {
    id: Type.String(),
    model: Type.String({ description: 'org/name' }),
    version: Type.String(),
    path: Type.String(),
    size: Nullable(Type.Integer()),
    sha256: Nullable(Type.String()),
    parts: Type.Array(UploadPart, { description: 'Parts received so far: resume by sending the missing ones.' }),
    receivedBytes: Type.Integer(),
    createdAt: Timestamp,
    expiresAt: Timestamp,
  },
  { description: 'A resumable upload: send parts in any order (retry any), then complete.' },
)
export type UploadSession = Static<typeof UploadSession>

export const UploadSessionList = Type.Object(
  { items: Type.Array(UploadSession) },
  { description: 'Your open uploads, newest first.' },
)
export type UploadSessionList = Static<typeof UploadSessionList>

export const CompleteUploadBody = Type.Object(
  {
    parts: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 10_000 }), {
        maxItems: 10_000,
        description: 'Part numbers in order; default every received part. Must be 1..N without gaps.',
      }),
    ),
  },
  { additionalProperties: false },
)
export type CompleteUploadBody = Static<typeof CompleteUploadBody>

export const UploadParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) })
export const UploadPartParams = Type.Object({
  id: Type.String({ pattern: '^[0-9a-f-]{36}$' }),
  number: Type.Integer({ minimum: 1, maximum: 10_000 }),
})
