import { type Static, Type } from 'typebox'
import { Timestamp } from './common.js'

export const Artifact = Type.Object(
  {
    path: Type.String({ description: 'Relative path within the version, e.g. tokenizer/vocab.json' }),
    size: Type.Integer({ minimum: 0 }),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    mediaType: Type.String(),
    createdBy: Type.String(),
    createdAt: Timestamp,
    downloadCount: Type.Integer({ minimum: 0 }),
  },
  { description: 'A file of a version.' },
)
export type Artifact = Static<typeof Artifact>

export const ArtifactList = Type.Object({
  items: Type.Array(Artifact),
  totalSize: Type.Integer({ minimum: 0 }),
})
export type ArtifactList = Static<typeof ArtifactList>
