// @modelreg/sdk: the browser-safe entry (fetch only, no node: imports). Node file helpers: @modelreg/sdk/node.
export type * from '@modelreg/contract'
// What a new version takes from the latest one: one rule for the web UI and the CLI.
export {
  type CarriedVersionFields,
  type CarrySource,
  carriedVersionFields,
  carryForward,
} from '@modelreg/contract/new-version'
// The product doc's option lists (values and labels), for forms and command-line choices.
export {
  defaults,
  frameworkOptions,
  frozenStatuses,
  isFrozen,
  keysOf,
  licenseOptions,
  modelTypeOptions,
  stageOptions,
  statusOptions,
  taskTypeOptions,
} from '@modelreg/contract/options'
// Names and field limits the registry enforces, to check input before sending it.
export {
  isOrgName,
  MODEL_NAME_MAX,
  modelNameProblem,
  ORG_NAME_MAX,
  versionLimits,
} from '@modelreg/contract/rules'
export { type ApiClient, type ApiResult, createApiClient, type paths, unwrap } from './api-client.js'
export type { ArtifactTarget, ByteSource, TransferOptions } from './artifact-upload.js'
export { ModelregError, type ModelregErrorCode } from './errors.js'
export { DEFAULT_ORG, formatModelRef, type ModelRef, parseModelRef } from './model-ref.js'
export { createLimiter, type Limiter, type RetryOptions, withRetries } from './retry.js'
export type { ApiClientOptions } from './transport.js'
export { type UploadArtifactOptions, uploadArtifact } from './upload-artifact.js'
