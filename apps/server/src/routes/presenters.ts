// Records → API responses (the contract's shapes).
import type {
  Alias,
  Deployment,
  Framework,
  License,
  Model,
  ModelType,
  Stage,
  Status,
  TaskType,
  Version,
  VersionSummary,
} from '@modelreg/contract'
import { nextVersions } from '../domain/version-number.js'
import type { AliasRecord } from '../repositories/alias.repository.js'
import type { DeploymentRecord, ModelRecord, TopStageRecord, VersionRecord } from '../repositories/records.js'
import type { InspectionService, VersionFacts } from '../services/inspection.service.js'

export const modelRef = (m: ModelRecord) => `${m.org}/${m.name}`

export function toModelResponse(m: ModelRecord, latest: VersionRecord | null, top: TopStageRecord | null): Model {
  return {
    id: String(m.id),
    org: m.org,
    name: m.name,
    framework: m.framework as Framework,
    frameworkOther: m.frameworkOther,
    taskType: m.taskType as TaskType,
    taskTypeOther: m.taskTypeOther,
    modelType: m.modelType as ModelType,
    modelTypeOther: m.modelTypeOther,
    publicAccess: m.publicAccess,
    createdBy: m.createdBy,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    versionCount: m.versionCount,
    latestVersion: latest && toVersionSummary(latest),
    topStage: top && { stage: top.stage as Stage, version: top.version },
    nextVersion: nextVersions(latest?.version ?? null),
  }
}

function toVersionSummary(v: VersionRecord): VersionSummary {
  return {
    version: v.version,
    description: v.description,
    status: v.status as Status,
    stage: v.stage as Stage,
    tags: v.tags,
    author: v.author,
    license: v.license as License | null,
    licenseOther: v.licenseOther,
    createdAt: v.createdAt,
    updatedAt: v.updatedAt,
  }
}

export function toVersionResponse(m: ModelRecord, v: VersionRecord, facts: VersionFacts): Version {
  return {
    id: String(v.id),
    model: modelRef(m),
    ...toVersionSummary(v),
    metrics: v.metrics,
    source: v.source,
    baseModel: v.baseModel,
    createdBy: v.createdBy,
    verdict: facts.verdict,
    format: facts.format,
    parameters: facts.parameters,
    sequence: v.sequence,
  }
}

const notInspected: VersionFacts = { verdict: 'none', format: null, parameters: null }

/** Version responses with their inspection facts, read in one go. */
export async function toVersionResponses(
  inspections: InspectionService,
  m: ModelRecord,
  versions: readonly VersionRecord[],
): Promise<Version[]> {
  const facts = await inspections.factsOf(versions.map((v) => v.id))
  return versions.map((v) => toVersionResponse(m, v, facts.get(v.id) ?? notInspected))
}

export function toDeploymentResponse(d: DeploymentRecord, m: ModelRecord, v: VersionRecord): Deployment {
  const { modelId: _m, versionId: _v, ...rest } = d
  return { ...rest, model: modelRef(m), version: v.version }
}

export function toAliasResponse(m: ModelRecord, a: AliasRecord): Alias {
  return {
    name: a.name,
    model: modelRef(m),
    version: a.version,
    protected: a.protected,
    createdBy: a.createdBy,
    createdAt: a.createdAt,
    updatedBy: a.updatedBy,
    updatedAt: a.updatedAt,
  }
}
