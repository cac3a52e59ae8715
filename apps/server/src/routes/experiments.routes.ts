import {
  ExperimentList,
  ExperimentParams,
  ListExperimentsQuery,
  ListRunsQuery,
  OrgParams,
  RunFileList,
  RunFilesQuery,
  RunList,
  RunParams,
} from '@modelreg/contract'
import type { ExperimentRecord } from '../repositories/tracking.repository.js'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const tags = ['Experiments']

const toExperiment = (e: ExperimentRecord) => ({
  id: String(e.id),
  name: e.name,
  createdBy: e.createdBy,
  createdAt: e.createdAt,
})

/**
 * The tracking store read natively, for the web UI's Experiments page: experiments, runs with what they logged and
 * the versions registered from them, and a run's files. Training code writes them through the MLflow API.
 */
export function experimentRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/orgs/:org/experiments',
    {
      schema: {
        tags,
        summary: 'List the experiments of an organisation',
        description: 'Newest first. Members of the organisation (viewers too) may read them.',
        params: OrgParams,
        querystring: ListExperimentsQuery,
        response: { 200: ExperimentList, ...errors },
      },
    },
    async (req) => {
      const list = await services.tracking.listExperiments(req.actor, req.params.org, 0, req.query.limit ?? 1000)
      return { items: list.map(toExperiment) }
    },
  )

  app.get(
    '/api/v1/orgs/:org/experiments/:id/runs',
    {
      schema: {
        tags,
        summary: 'List the runs of an experiment',
        description:
          'Newest first, each with its params, metrics at their latest value, tags, and the versions registered ' +
          'from it that the caller may see.',
        params: ExperimentParams,
        querystring: ListRunsQuery,
        response: { 200: RunList, ...errors },
      },
    },
    async (req) => {
      const { org } = req.params
      const experiment = await services.tracking.getExperiment(req.actor, org, Number(req.params.id))
      const runs = await services.tracking.runsWithVersions(req.actor, org, experiment.id, req.query.limit ?? 200)
      return {
        items: runs.map((r) => ({
          id: r.run.id,
          experimentId: String(r.run.experimentId),
          name: r.run.name,
          status: r.run.status,
          user: r.run.createdBy,
          startTime: r.run.startTime,
          endTime: r.run.endTime,
          params: r.params,
          metrics: r.metrics.map((m) => ({ key: m.key, value: m.value, step: m.step, timestamp: m.timestamp })),
          tags: r.tags,
          versions: r.versions,
        })),
      }
    },
  )

  app.get(
    '/api/v1/orgs/:org/runs/:runId/files',
    {
      schema: {
        tags,
        summary: 'List one folder of a run\u2019s files',
        description: 'Files with their size and sub-folders, by path relative to the run\u2019s files.',
        params: RunParams,
        querystring: RunFilesQuery,
        response: { 200: RunFileList, ...errors },
      },
    },
    async (req) => {
      const entries = await services.tracking.listArtifacts(
        req.actor,
        req.params.org,
        req.params.runId,
        req.query.path ?? '',
      )
      return {
        items: entries.map((e) => ({ path: e.path, isDir: e.isDir, ...(e.size !== undefined && { size: e.size }) })),
      }
    },
  )
}
