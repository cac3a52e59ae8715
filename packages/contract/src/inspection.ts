// What is inside a version's files and whether loading them can run code; comparing two versions.
import { type Static, Type } from 'typebox'
import { Line, Nullable } from './common.js'

/** Worst first: a version's verdict is its worst file's (docs/inspection.md). */
export const verdicts = ['dangerous', 'suspicious', 'unscannable', 'safe', 'none'] as const
export const VerdictSchema = Type.Enum([...verdicts], {
  description:
    'dangerous: loading it can run code; suspicious: it names code that is not known to be safe; unscannable: ' +
    'it could not be read within the limits; safe; none: not inspected.',
})
export type Verdict = Static<typeof VerdictSchema>

export const InspectionFinding = Type.Object({ code: Type.String(), detail: Type.String() })
export type InspectionFinding = Static<typeof InspectionFinding>

export const TensorIO = Type.Object(
  {
    name: Type.String(),
    dtype: Type.Optional(Type.String()),
    shape: Type.Optional(Type.Array(Type.Union([Type.Number(), Type.String()]))),
  },
  { additionalProperties: false },
)

export const FileSummary = Type.Object(
  {
    parameters: Type.Optional(Type.Number()),
    dtypes: Type.Optional(Type.Array(Type.String())),
    inputs: Type.Optional(Type.Array(TensorIO)),
    outputs: Type.Optional(Type.Array(TensorIO)),
    architecture: Type.Optional(Type.String()),
  },
  { additionalProperties: true, description: 'Facts read from the file; which ones depend on its format.' },
)

export const InspectedFile = Type.Object({
  path: Type.String(),
  format: Type.String({
    description:
      'safetensors, safetensors-index, gguf, onnx, pytorch, pickle, numpy, keras, hf-config, or unknown (not inspected).',
  }),
  summary: FileSummary,
  safety: Type.Object({ verdict: VerdictSchema, findings: Type.Array(InspectionFinding) }),
})
export type InspectedFile = Static<typeof InspectedFile>

export const VersionInspection = Type.Object(
  {
    status: Type.Enum(['pending', 'done'], { description: 'pending while any file awaits (re-)inspection.' }),
    verdict: VerdictSchema,
    files: Type.Array(InspectedFile),
  },
  { description: 'Every artifact of the version, with what inspection found in it.' },
)
export type VersionInspection = Static<typeof VersionInspection>

export const SafetyOverride = Type.Object(
  { reason: Line({ minLength: 1, maxLength: 1000, description: 'Why the dangerous files are acceptable.' }) },
  {
    additionalProperties: false,
    description:
      'Organisation admins only: proceed although the version is dangerous; recorded in the stage history and the audit log.',
  },
)
export type SafetyOverride = Static<typeof SafetyOverride>

export const CompareQuery = Type.Object(
  {
    from: Line({ minLength: 1, maxLength: 128, description: 'A version reference.' }),
    to: Line({ minLength: 1, maxLength: 128, description: 'A version reference.' }),
  },
  { additionalProperties: false },
)
export type CompareQuery = Static<typeof CompareQuery>

const Change = Type.Object({ from: Type.Unknown(), to: Type.Unknown() })

export const Comparison = Type.Object(
  {
    from: Type.String({ description: 'The version from resolved to.' }),
    to: Type.String(),
    files: Type.Object({
      added: Type.Array(Type.String()),
      removed: Type.Array(Type.String()),
      changed: Type.Array(Type.String()),
    }),
    metadata: Type.Record(Type.String(), Change, { description: 'Version fields that differ.' }),
    metrics: Type.Record(
      Type.String(),
      Type.Object({ from: Nullable(Type.Number()), to: Nullable(Type.Number()), delta: Nullable(Type.Number()) }),
    ),
    inspection: Type.Object({
      verdict: Change,
      format: Change,
      parameters: Type.Object({
        from: Nullable(Type.Number()),
        to: Nullable(Type.Number()),
        delta: Nullable(Type.Number()),
      }),
      files: Type.Record(Type.String(), Type.Record(Type.String(), Change), {
        description: 'Per path present in both: parameters, dtypes, inputs, outputs, format and verdict that differ.',
      }),
    }),
  },
  { description: 'What changed from one version to another (files by sha256; unchanged ones are not listed).' },
)
export type Comparison = Static<typeof Comparison>
