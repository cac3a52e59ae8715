import { type Static, Type } from 'typebox'
import { Timestamp } from './common.js'
import { KeyTag } from './key-tags.js'

export const ExperimentParams = Type.Object({ org: Type.String(), id: Type.String({ pattern: '^[0-9]{1,15}$' }) })
export const RunParams = Type.Object({ org: Type.String(), runId: Type.String() })

export const Experiment = Type.Object(
  {
    id: Type.String({ description: 'MLflow\u2019s experiment_id.' }),
    name: Type.String(),
    createdBy: Type.String(),
    createdAt: Timestamp,
  },
  { description: 'An experiment training code logged runs to through the MLflow API.' },
)
export type Experiment = Static<typeof Experiment>
export const ExperimentList = Type.Object({ items: Type.Array(Experiment) })
export type ExperimentList = Static<typeof ExperimentList>

export const ListExperimentsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 1000 })),
})
export const ListRunsQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
})
export const RunFilesQuery = Type.Object({
  path: Type.Optional(
    Type.String({ maxLength: 1024, description: 'A folder of the run\u2019s files; the top when absent.' }),
  ),
})

export const Run = Type.Object(
  {
    id: Type.String({ description: 'MLflow\u2019s run_id.' }),
    experimentId: Type.String(),
    name: Type.String(),
    status: Type.String({ description: 'RUNNING, SCHEDULED, FINISHED, FAILED or KILLED.' }),
    user: Type.String(),
    startTime: Type.Integer({ description: 'ms since the epoch' }),
    endTime: Type.Union([Type.Integer(), Type.Null()]),
    params: Type.Array(KeyTag, { description: 'By key.' }),
    metrics: Type.Array(
      Type.Object({ key: Type.String(), value: Type.Number(), step: Type.Integer(), timestamp: Type.Integer() }),
      { description: 'Each metric at its latest value (highest step, then time).' },
    ),
    tags: Type.Array(KeyTag, { description: 'By key.' }),
    versions: Type.Array(
      Type.Object({
        org: Type.String(),
        model: Type.String(),
        version: Type.String(),
        sequence: Type.Integer({ description: 'MLflow\u2019s version number.' }),
      }),
      { description: 'The versions registered from this run that the caller may see.' },
    ),
  },
  { description: 'A run of an experiment: what it logged, and the versions registered from it.' },
)
export type Run = Static<typeof Run>
export const RunList = Type.Object({ items: Type.Array(Run) })
export type RunList = Static<typeof RunList>

export const RunFile = Type.Object({
  path: Type.String({ description: 'Relative to the run\u2019s files.' }),
  isDir: Type.Boolean(),
  size: Type.Optional(Type.Integer({ minimum: 0 })),
})
export const RunFileList = Type.Object({ items: Type.Array(RunFile) })
export type RunFileList = Static<typeof RunFileList>
