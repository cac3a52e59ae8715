import { type Static, Type } from 'typebox'
import { Cursor, Limit, Line, Nullable, Text, Timestamp } from './common.js'
import { SafetyOverride, VerdictSchema } from './inspection.js'
import {
  LicenseSchema,
  MetricsSchema,
  NextVersions,
  SourceSchema,
  StageSchema,
  StatusSchema,
  versionFields,
} from './models.js'

export const CreateVersionBody = Type.Object(
  {
    version: Line({ minLength: 1, maxLength: 128, description: 'Semantic version (major.minor.patch)' }),
    ...versionFields,
  },
  { additionalProperties: false },
)
export type CreateVersionBody = Static<typeof CreateVersionBody>

export const UpdateVersionBody = Type.Object(
  {
    description: versionFields.description,
    status: versionFields.status,
    tags: versionFields.tags,
    author: versionFields.author,
    license: versionFields.license,
    licenseOther: versionFields.licenseOther,
    metrics: versionFields.metrics,
    source: versionFields.source,
  },
  {
    additionalProperties: false,
    description: 'version, name and framework are refused with 400 FIELD_NOT_EDITABLE: create a new version instead.',
  },
)
export type UpdateVersionBody = Static<typeof UpdateVersionBody>

export const Version = Type.Object(
  {
    id: Type.String(),
    model: Type.String({ description: 'org/name' }),
    version: Type.String(),
    description: Type.String(),
    status: StatusSchema,
    stage: StageSchema,
    tags: Type.Array(Type.String()),
    author: Type.String(),
    license: Nullable(LicenseSchema),
    licenseOther: Nullable(Type.String()),
    metrics: MetricsSchema,
    source: SourceSchema,
    baseModel: Nullable(Type.String()),
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    verdict: VerdictSchema,
    format: Nullable(Type.String({ description: 'Format of its largest inspected file.' })),
    parameters: Nullable(Type.Number({ description: 'Parameters of its largest inspected file (with its shards).' })),
    sequence: Type.Integer({
      minimum: 1,
      description:
        "The version's number in creation order within its model, never reused: MLflow's version number (docs/mlflow.md).",
    }),
  },
  { description: 'A version of a model.' },
)
export type Version = Static<typeof Version>

export const ListVersionsQuery = Type.Object(
  {
    stage: Type.Optional(StageSchema),
    status: Type.Optional(StatusSchema),
    at: Type.Optional(
      Type.String({ format: 'date-time', description: 'With stage: the versions that held that stage at this time.' }),
    ),
    order: Type.Optional(Type.Enum(['desc', 'asc'], { default: 'desc', description: 'Semver order.' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
)
export type ListVersionsQuery = Static<typeof ListVersionsQuery>

export const VersionPage = Type.Object({
  items: Type.Array(Version),
  nextCursor: Nullable(Type.String()),
  next: Nullable(NextVersions),
})
export type VersionPage = Static<typeof VersionPage>

export const ChangeStageBody = Type.Object(
  {
    stage: StageSchema,
    comment: Type.Optional(Text({ maxLength: 2000 })),
    archivePrevious: Type.Optional(
      Type.Boolean({
        default: false,
        description: 'When promoting to production: move the versions that held Production to Archived, atomically.',
      }),
    ),
    override: Type.Optional(SafetyOverride),
  },
  { additionalProperties: false },
)
export type ChangeStageBody = Static<typeof ChangeStageBody>

export const StageTransition = Type.Object({
  id: Type.Integer(),
  version: Type.String(),
  from: Nullable(StageSchema),
  to: StageSchema,
  actor: Type.String(),
  comment: Type.String(),
  at: Timestamp,
  override: Type.Optional(
    Type.Object(
      { reason: Type.String() },
      { description: 'Present when an organisation admin moved a dangerous version to Production anyway.' },
    ),
  ),
})
export type StageTransition = Static<typeof StageTransition>

export const StageChangeResult = Type.Object({
  version: Version,
  transition: StageTransition,
  archived: Type.Array(Type.String(), { description: 'Versions moved from Production to Archived by this change.' }),
})
export type StageChangeResult = Static<typeof StageChangeResult>

export const StageHistory = Type.Object({ items: Type.Array(StageTransition) })
export type StageHistory = Static<typeof StageHistory>
