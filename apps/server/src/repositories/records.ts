// What repositories hand to services: camelCase, ISO timestamps, parsed JSON, booleans; never driver types.
import type { Deployment, License, RegistryEvent, StageTransition } from '@modelreg/contract'

export interface ModelRecord {
  id: number
  orgId: string
  org: string
  name: string
  framework: string
  frameworkOther: string | null
  taskType: string
  taskTypeOther: string | null
  modelType: string
  modelTypeOther: string | null
  publicAccess: boolean
  createdBy: string
  createdAt: string
  updatedAt: string
  versionCount: number
  latestVersionId: number | null
  /** The version holding the model's most advanced stage (Production > Staging > Development > Archived). */
  topStageVersionId: number | null
  /** Model-level description (MLflow's registered model description). */
  description: string
}

/** The most advanced stage any version of a model holds, and the highest version holding it. */
export interface TopStageRecord {
  stage: string
  version: string
}

/** A model with what its get and list responses show of its versions (read with it in one statement). */
export interface ModelWithLatest {
  model: ModelRecord
  latest: VersionRecord | null
  top: TopStageRecord | null
}

export interface VersionSource {
  runUrl?: string
  commit?: string
  datasets?: string[]
}

export interface VersionRecord {
  id: number
  modelId: number
  version: string
  prerelease: string | null
  sortKey: string
  description: string
  status: string
  stage: string
  author: string
  license: License | null
  licenseOther: string | null
  tags: string[]
  metrics: Record<string, number>
  source: VersionSource
  baseModel: string | null
  createdBy: string
  createdAt: string
  updatedAt: string
  /** Per-model number in creation order, never reused: MLflow's `version`. */
  sequence: number
  /** The tracking run it was registered from (MLflow), if any. */
  runId: string | null
  /** The source URI MLflow registered it from, if any. */
  sourceUri: string | null
}

export type StageTransitionRecord = StageTransition
export type DeploymentRecord = Omit<Deployment, 'model' | 'version'> & { modelId: number; versionId: number }
export type EventRecord = RegistryEvent

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}
