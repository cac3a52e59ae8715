// The one translation table between MLflow's registry and modelreg's: stage names, version numbers (MLflow's
// integer `version` is a version's per-model sequence number), error codes and their HTTP statuses.
import type { ErrorCode, Stage } from '@modelreg/contract'

/** An error in MLflow's own shape ({error_code, message}) with the status MLflow gives its code. */
export class MlflowError extends Error {
  constructor(
    readonly errorCode: MlflowErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'MlflowError'
  }
  get status(): number {
    return mlflowStatusOf[this.errorCode]
  }
}

/** MLflow's codes and statuses (mlflow/exceptions.py). RESOURCE_ALREADY_EXISTS is 400 there, not 409. */
export const mlflowStatusOf = {
  INVALID_PARAMETER_VALUE: 400,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  RESOURCE_DOES_NOT_EXIST: 404,
  ENDPOINT_NOT_FOUND: 404,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_CONFLICT: 409,
  REQUEST_LIMIT_EXCEEDED: 429,
  NOT_IMPLEMENTED: 501,
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
} as const
export type MlflowErrorCode = keyof typeof mlflowStatusOf

/**
 * Native error codes as MLflow codes. Refusals of the current state (deployed, frozen, aliased, conflicts) are
 * RESOURCE_CONFLICT (409): a 4xx, because MLflow's client retries 5xx answers. Some keep a more precise status.
 */
export const mlflowCodeOf: Record<ErrorCode, { code: MlflowErrorCode; status?: number }> = {
  VALIDATION_FAILED: { code: 'INVALID_PARAMETER_VALUE' },
  FIELD_NOT_EDITABLE: { code: 'INVALID_PARAMETER_VALUE' },
  UNAUTHENTICATED: { code: 'UNAUTHENTICATED' },
  FORBIDDEN: { code: 'PERMISSION_DENIED' },
  TOO_MANY_REQUESTS: { code: 'REQUEST_LIMIT_EXCEEDED' },
  NOT_FOUND: { code: 'RESOURCE_DOES_NOT_EXIST' },
  ALREADY_EXISTS: { code: 'RESOURCE_ALREADY_EXISTS' },
  MODEL_DEPLOYED: { code: 'RESOURCE_CONFLICT' },
  VERSION_FROZEN: { code: 'RESOURCE_CONFLICT' },
  ALIAS_IN_USE: { code: 'RESOURCE_CONFLICT' },
  CONFLICT: { code: 'RESOURCE_CONFLICT' },
  ARTIFACT_MISSING: { code: 'RESOURCE_CONFLICT' },
  UNSAFE_ARTIFACT: { code: 'RESOURCE_CONFLICT' },
  INSPECTION_PENDING: { code: 'RESOURCE_CONFLICT' },
  CHECKSUM_MISMATCH: { code: 'BAD_REQUEST' },
  RANGE_NOT_SATISFIABLE: { code: 'INVALID_PARAMETER_VALUE', status: 416 },
  PAYLOAD_TOO_LARGE: { code: 'BAD_REQUEST', status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { code: 'BAD_REQUEST', status: 415 },
  INTERNAL: { code: 'INTERNAL_ERROR' },
  UNAVAILABLE: { code: 'TEMPORARILY_UNAVAILABLE' },
}

/** Stages: MLflow's "None" is modelreg's Development; the other three share their names. */
const toMlflow: Record<Stage, string> = {
  development: 'None',
  staging: 'Staging',
  production: 'Production',
  archived: 'Archived',
}

export function stageToMlflow(stage: string): string {
  return toMlflow[stage as Stage] ?? 'None'
}

/** A stage as MLflow clients send it (any case); INVALID_PARAMETER_VALUE for anything else. */
export function stageFromMlflow(input: string): Stage {
  const lower = input.toLowerCase()
  if (lower === 'none') return 'development'
  if (lower === 'staging' || lower === 'production' || lower === 'archived') return lower
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `Invalid Model Version stage: ${input}. Value must be one of None, Staging, Production, Archived.`,
  )
}

/** MLflow's `version` (a string of a positive integer) as a sequence number; INVALID_PARAMETER_VALUE otherwise. */
export function sequenceOf(input: string): number {
  if (!/^[0-9]{1,9}$/.test(input) || Number(input) < 1) {
    throw new MlflowError('INVALID_PARAMETER_VALUE', `Model version must be a positive integer, got "${input}"`)
  }
  return Number(input)
}

/**
 * The semantic version a version registered through MLflow gets: 1.0.0 for a model's first, else the next minor
 * after the model's highest version (1.0.0, 1.1.0, 1.2.0, ...). The service applies it under the model's lock.
 */
export { nextVersions } from '../../domain/version-number.js'

/** Where MLflow clients download a version's files: the artifact proxy, under the same tracking URI. */
export function versionArtifactUri(modelName: string, sequence: number): string {
  return `mlflow-artifacts:/models/${modelName}/${sequence}`
}

/** Where a run's files live in the artifact proxy. */
export function runArtifactUri(experimentId: number, runId: string): string {
  return `mlflow-artifacts:/${experimentId}/${runId}/artifacts`
}

/**
 * What a model version's `source` names: a run's files (runs:/<id>/<path> or the run's mlflow-artifacts URI) or
 * something else, kept as given. `path` is relative to the run's artifact root ('' for all of it).
 */
export function parseSource(source: string): { runId: string; path: string } | undefined {
  const runs = /^runs:\/([0-9a-f]{32})(?:\/(.*))?$/.exec(source)
  if (runs) return { runId: runs[1] as string, path: trimSlashes(runs[2] ?? '') }
  const proxied = /^mlflow-artifacts:\/{1,3}(?:[^/]*\/)?(?:[0-9]+)\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/.exec(source)
  if (proxied) return { runId: proxied[1] as string, path: trimSlashes(proxied[2] ?? '') }
  return undefined
}

const trimSlashes = (p: string) => p.replace(/^\/+|\/+$/g, '')
