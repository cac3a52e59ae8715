// Experiments and runs, read through the MLflow-compatible API (the tracking store has no native routes): plain
// same-origin GETs with the session cookie, at /mlflow/{org}/api/2.0/mlflow/….
import { queryOptions, useQuery } from '@tanstack/react-query'

export interface MlflowExperiment {
  experiment_id: string
  name: string
  creation_time: number
}
export interface MlflowRun {
  info: { run_id: string; run_name: string; status: string; start_time: number; end_time?: number; user_id: string }
  data: {
    params?: { key: string; value: string }[]
    metrics?: { key: string; value: number; step: number }[]
    tags?: { key: string; value: string }[]
  }
}
export interface MlflowVersion {
  name: string
  version: string
  run_id: string
  current_stage: string
}
export interface MlflowFile {
  path: string
  is_dir: boolean
  file_size?: number
}

const base = (org: string) => `/mlflow/${encodeURIComponent(org)}/api/2.0`

async function mlflowGet<T>(org: string, path: string, query: Record<string, string | string[]>): Promise<T> {
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) for (const x of [v].flat()) qs.append(k, x)
  const res = await fetch(`${base(org)}/${path}?${qs}`, { credentials: 'same-origin' })
  const body = (await res.json().catch(() => ({}))) as T & { message?: string }
  if (!res.ok) throw new Error(body.message ?? `the registry answered ${res.status}`)
  return body
}

export const experimentKeys = {
  list: (org: string) => ['experiments', org] as const,
  runs: (org: string, id: string) => ['experiments', org, id, 'runs'] as const,
  files: (org: string, path: string) => ['experiments', org, 'files', path] as const,
}

export const experimentQueries = {
  list: (org: string) =>
    queryOptions({
      queryKey: experimentKeys.list(org),
      queryFn: async () =>
        (
          await mlflowGet<{ experiments?: MlflowExperiment[] }>(org, 'mlflow/experiments/search', {
            max_results: '1000',
          })
        ).experiments ?? [],
    }),
  /** The experiment's runs (newest first) and the versions registered from them. */
  runs: (org: string, id: string) =>
    queryOptions({
      queryKey: experimentKeys.runs(org, id),
      queryFn: async () => {
        const runs =
          (
            await mlflowGet<{ runs?: MlflowRun[] }>(org, 'mlflow/runs/search', {
              experiment_ids: id,
              max_results: '200',
            })
          ).runs ?? []
        const ids = runs.map((r) => `'${r.info.run_id}'`)
        const versions =
          ids.length === 0
            ? []
            : ((
                await mlflowGet<{ model_versions?: MlflowVersion[] }>(org, 'mlflow/model-versions/search', {
                  filter: `run_id IN (${ids.join(', ')})`,
                })
              ).model_versions ?? [])
        return { runs, versions }
      },
    }),
  /** One folder of a run's files. */
  files: (org: string, path: string) =>
    queryOptions({
      queryKey: experimentKeys.files(org, path),
      queryFn: async () =>
        (await mlflowGet<{ files?: MlflowFile[] }>(org, 'mlflow-artifacts/artifacts', { path })).files ?? [],
    }),
}

export const useExperiments = (org: string) => useQuery(experimentQueries.list(org))
export const useRuns = (org: string, id: string | undefined) =>
  useQuery({ ...experimentQueries.runs(org, id ?? ''), enabled: id !== undefined })
export const useRunFiles = (org: string, path: string | undefined) =>
  useQuery({ ...experimentQueries.files(org, path ?? ''), enabled: path !== undefined })
