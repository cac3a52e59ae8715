import { type Static, Type } from 'typebox'
import { Cursor, Limit, Line, LinkUrl, Nullable, Text, Timestamp } from './common.js'
import { VerdictSchema } from './inspection.js'
import {
  frameworkOptions,
  keysOf,
  licenseOptions,
  modelTypeOptions,
  stageOptions,
  statusOptions,
  taskTypeOptions,
} from './options.js'
import { MODEL_NAME_MAX, ORG_NAME_MAX, versionLimits } from './rules.js'

const other = (label: string) =>
  Line({ minLength: 1, maxLength: 64, description: `Free-text ${label}, required when the choice is "others".` })

export const FrameworkSchema = Type.Enum(keysOf(frameworkOptions), { description: 'Framework.' })
export const TaskTypeSchema = Type.Enum(keysOf(taskTypeOptions), { description: 'Task Type.' })
export const ModelTypeSchema = Type.Enum(keysOf(modelTypeOptions), { description: 'Model Type.' })
export const StatusSchema = Type.Enum(keysOf(statusOptions), { description: 'Status.' })
export const StageSchema = Type.Enum(keysOf(stageOptions), { description: 'Stage.' })
export const LicenseSchema = Type.Enum(keysOf(licenseOptions), { description: 'License.' })

export const TagsSchema = Type.Array(Line({ minLength: 1, maxLength: versionLimits.tagLength }), {
  maxItems: versionLimits.tags,
  description: 'Tags; the UI takes them comma-separated. Trimmed and de-duplicated; no commas.',
})
export const MetricsSchema = Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.:/ -]{1,128}$' }), Type.Number(), {
  additionalProperties: false,
  maxProperties: 200,
  description: 'Metric name \u2192 number, e.g. { "top1_accuracy": 0.765 }.',
})
export const SourceSchema = Type.Object(
  {
    runUrl: Type.Optional(LinkUrl({ maxLength: 2048, description: 'Experiment or run link (http or https).' })),
    commit: Type.Optional(Line({ minLength: 1, maxLength: 128 })),
    datasets: Type.Optional(Type.Array(Line({ minLength: 1, maxLength: 512 }), { maxItems: 64 })),
  },
  { additionalProperties: false, description: 'Where the version came from.' },
)
export const BaseModelSchema = Line({
  maxLength: 400,
  description: 'Lineage: the model this version was derived from, as org/name@version.',
})

/** Fields of a Version that the Create Model form and New Version share. */
export const versionFields = {
  description: Type.Optional(Text({ maxLength: 10_000, description: 'Description.' })),
  status: Type.Optional(StatusSchema),
  tags: Type.Optional(TagsSchema),
  author: Type.Optional(
    Line({ maxLength: versionLimits.authorLength, description: 'Author: model creator or team name.' }),
  ),
  license: Type.Optional(LicenseSchema),
  licenseOther: Type.Optional(other('license')),
  metrics: Type.Optional(MetricsSchema),
  source: Type.Optional(SourceSchema),
  baseModel: Type.Optional(BaseModelSchema),
}

export const CreateModelBody = Type.Object(
  {
    org: Type.Optional(
      Line({ minLength: 1, maxLength: ORG_NAME_MAX, description: 'Organisation; default "default".' }),
    ),
    name: Line({ minLength: 1, maxLength: MODEL_NAME_MAX, description: 'Model Name.' }),
    version: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        default: '1.0.0',
        description: 'Semantic version (major.minor.patch)',
      }),
    ),
    framework: FrameworkSchema,
    frameworkOther: Type.Optional(other('framework, e.g. XGBoost')),
    taskType: Type.Optional(TaskTypeSchema),
    taskTypeOther: Type.Optional(other('task type')),
    modelType: Type.Optional(ModelTypeSchema),
    modelTypeOther: Type.Optional(other('model type')),
    publicAccess: Type.Optional(
      Type.Boolean({ description: 'Make model accessible to all organization members', default: false }),
    ),
    ...versionFields,
  },
  { additionalProperties: false },
)
export type CreateModelBody = Static<typeof CreateModelBody>

export const UpdateModelBody = Type.Object(
  {
    taskType: Type.Optional(TaskTypeSchema),
    taskTypeOther: Type.Optional(other('task type')),
    modelType: Type.Optional(ModelTypeSchema),
    modelTypeOther: Type.Optional(other('model type')),
    publicAccess: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    description:
      'Model-level editable fields. name and framework are refused with 400 FIELD_NOT_EDITABLE; version fields are edited on a version.',
  },
)
export type UpdateModelBody = Static<typeof UpdateModelBody>

export const VersionSummary = Type.Object({
  version: Type.String(),
  description: Type.String(),
  status: StatusSchema,
  stage: StageSchema,
  tags: Type.Array(Type.String()),
  author: Type.String(),
  license: Nullable(LicenseSchema),
  licenseOther: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
})
export type VersionSummary = Static<typeof VersionSummary>

export const NextVersions = Type.Object(
  { major: Type.String(), minor: Type.String(), patch: Type.String() },
  { description: 'Next free major/minor/patch after the latest version, to prefill New Version.' },
)

export const TopStage = Type.Object(
  { stage: StageSchema, version: Type.String({ description: 'The highest version in that stage.' }) },
  {
    description:
      'Where the model is in its lifecycle: the most advanced stage any version holds (Production, then Staging, then Development; Archived only when every version is), with the version that holds it.',
  },
)
export type TopStage = Static<typeof TopStage>

export const Model = Type.Object(
  {
    id: Type.String(),
    org: Type.String(),
    name: Type.String(),
    framework: FrameworkSchema,
    frameworkOther: Nullable(Type.String()),
    taskType: TaskTypeSchema,
    taskTypeOther: Nullable(Type.String()),
    modelType: ModelTypeSchema,
    modelTypeOther: Nullable(Type.String()),
    publicAccess: Type.Boolean(),
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    versionCount: Type.Integer(),
    latestVersion: Nullable(VersionSummary),
    topStage: Nullable(TopStage),
    nextVersion: Nullable(NextVersions),
  },
  { description: 'A model with its latest version summary and the most advanced stage any version holds.' },
)
export type Model = Static<typeof Model>

export const ModelSort = Type.Enum(['name', '-name', 'created', '-created', 'updated', '-updated'], {
  default: '-updated',
  description: 'Sort key; a leading "-" sorts descending.',
})
export type ModelSort = Static<typeof ModelSort>

export const ListModelsQuery = Type.Object(
  {
    q: Type.Optional(
      Line({
        maxLength: 200,
        description:
          'Case-insensitive substring of the name, latest description or tags; 1–2 characters match the start of the name.',
      }),
    ),
    org: Type.Optional(Line({ maxLength: 64 })),
    framework: Type.Optional(FrameworkSchema),
    taskType: Type.Optional(TaskTypeSchema),
    modelType: Type.Optional(ModelTypeSchema),
    status: Type.Optional(StatusSchema),
    stage: Type.Optional(StageSchema),
    tag: Type.Optional(
      Type.Array(Line({ minLength: 1, maxLength: 64 }), {
        maxItems: 10,
        description: 'Repeat for several; all must match.',
      }),
    ),
    author: Type.Optional(Line({ maxLength: 200 })),
    license: Type.Optional(LicenseSchema),
    publicAccess: Type.Optional(Type.Boolean()),
    verdict: Type.Optional(VerdictSchema),
    sort: Type.Optional(ModelSort),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  {
    additionalProperties: false,
    description:
      "status, stage, tag, author and license match a model when any of its versions has them; verdict matches the latest version's inspection verdict.",
  },
)
export type ListModelsQuery = Static<typeof ListModelsQuery>

export const ModelPage = Type.Object({ items: Type.Array(Model), nextCursor: Nullable(Type.String()) })
export type ModelPage = Static<typeof ModelPage>
