// modelreg's records in MLflow's wire shapes (snake_case, ms timestamps, `version` as a string, stage names).
import type { ModelRecord, VersionRecord } from '../../repositories/records.js'
import type { ExperimentRecord, RunRecord } from '../../repositories/tracking.repository.js'
import type { ModelView, VersionView } from '../../services/registry-search.service.js'
import type { RunDetail } from '../../services/tracking.service.js'
import { runArtifactUri, stageToMlflow } from './mlflow-mapping.js'

const ms = (iso: string) => Date.parse(iso)

export function toMlflowVersion(model: ModelRecord, v: VersionRecord, view?: VersionView) {
  return {
    name: model.name,
    version: String(v.sequence),
    creation_timestamp: ms(v.createdAt),
    last_updated_timestamp: ms(v.updatedAt),
    user_id: v.createdBy,
    current_stage: stageToMlflow(v.stage),
    description: v.description,
    source: v.sourceUri ?? `models:/${model.name}/${v.sequence}`,
    run_id: v.runId ?? '',
    status: 'READY',
    status_message: '',
    tags: view?.tags ?? [],
    run_link: v.source.runUrl ?? '',
    aliases: view?.aliases ?? [],
  }
}

export function toMlflowModel(model: ModelRecord, view: ModelView, versionViews: Map<number, VersionView>) {
  return {
    name: model.name,
    creation_timestamp: ms(model.createdAt),
    last_updated_timestamp: ms(model.updatedAt),
    user_id: model.createdBy,
    description: model.description,
    latest_versions: view.latestPerStage.map((v) => toMlflowVersion(model, v, versionViews.get(v.id))),
    tags: view.tags,
    aliases: view.aliases.map((a) => ({ alias: a.alias, version: String(a.sequence) })),
  }
}

export function toMlflowExperiment(e: ExperimentRecord) {
  return {
    experiment_id: String(e.id),
    name: e.name,
    artifact_location: `mlflow-artifacts:/${e.id}`,
    lifecycle_stage: e.lifecycleStage,
    creation_time: ms(e.createdAt),
    last_update_time: ms(e.updatedAt),
    tags: [],
  }
}

export function toMlflowRunInfo(r: RunRecord) {
  return {
    run_id: r.id,
    run_uuid: r.id,
    run_name: r.name,
    experiment_id: String(r.experimentId),
    user_id: r.createdBy,
    status: r.status,
    start_time: r.startTime,
    ...(r.endTime !== null && { end_time: r.endTime }),
    artifact_uri: runArtifactUri(r.experimentId, r.id),
    lifecycle_stage: r.lifecycleStage,
  }
}

export function toMlflowRun(d: RunDetail) {
  return {
    info: toMlflowRunInfo(d.run),
    data: { metrics: d.metrics, params: d.params, tags: d.tags },
    inputs: {},
  }
}
