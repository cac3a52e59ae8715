// MLflow's tracking RPCs, as much as logging a run and registering its model needs: experiments, runs, params,
// metrics and run tags (/api/2.0/mlflow/experiments/… and runs/…), over TrackingService.

import type { MetricValue } from '../../repositories/tracking.repository.js'
import type { App } from '../../routes/route-types.js'
import type { Services } from '../../services/services.js'
import { modelFilterSpec, parseFilter, parseRunFilter } from './mlflow-filter.js'
import { MlflowError } from './mlflow-mapping.js'
import { toMlflowExperiment, toMlflowRun, toMlflowRunInfo } from './mlflow-presenters.js'
import { decodePageToken, encodePageToken, Fields, invalid } from './mlflow-request.js'
import { orgOf, readRpc, rpc } from './mlflow-route-kit.js'

const ID_MAX = 2 ** 53 - 1

export function mlflowTrackingRoutes(app: App, services: Services): void {
  const base = '/api/2.0/mlflow'
  const experimentId = (f: Fields, name = 'experiment_id') => {
    const text = f.string(name)
    if (!/^[0-9]{1,15}$/.test(text)) throw invalid(`${name} must be a number, got "${text}"`)
    return Number(text)
  }
  const runIdOf = (f: Fields) => f.optionalString('run_id') || f.string('run_uuid')

  app.post(`${base}/experiments/create`, rpc, async (req) => {
    const f = new Fields(req)
    const e = await services.tracking.createExperiment(req.actor, orgOf(req), f.string('name'))
    return { experiment_id: String(e.id) }
  })

  app.get(`${base}/experiments/get`, rpc, async (req) => {
    const f = new Fields(req)
    return {
      experiment: toMlflowExperiment(await services.tracking.getExperiment(req.actor, orgOf(req), experimentId(f))),
    }
  })

  app.get(`${base}/experiments/get-by-name`, rpc, async (req) => {
    const f = new Fields(req)
    const e = await services.tracking.getExperimentByName(req.actor, orgOf(req), f.string('experiment_name'))
    return { experiment: toMlflowExperiment(e) }
  })

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/experiments/search`,
      ...readRpc,
      handler: async (req) => {
        const f = new Fields(req)
        const clauses = parseFilter(f.optionalString('filter'), modelFilterSpec).map((c) => {
          if (c.kind === 'tag') throw invalid('experiments carry no tags here; filter them by name')
          return { op: c.op as '=' | '!=' | 'LIKE' | 'ILIKE', value: String(c.value) }
        })
        const limit = f.optionalInt('max_results', { min: 1, max: 50_000 }) ?? 1000
        const offset = decodePageToken(f.optionalString('page_token'))
        const list = await services.tracking.listExperiments(req.actor, orgOf(req), offset, limit + 1, clauses)
        return {
          experiments: list.slice(0, limit).map(toMlflowExperiment),
          ...(list.length > limit && { next_page_token: encodePageToken(offset + limit) }),
        }
      },
    })
  }

  app.post(`${base}/runs/create`, rpc, async (req) => {
    const f = new Fields(req)
    const id = f.optionalString('experiment_id')
    const detail = await services.tracking.createRun(req.actor, orgOf(req), {
      experimentId: id === undefined || id === '' ? 0 : experimentId(f),
      name: f.optionalString('run_name'),
      startTime: f.optionalInt('start_time', { min: 0, max: ID_MAX }),
      tags: f.keyValues('tags'),
    })
    return { run: toMlflowRun(detail) }
  })

  app.get(`${base}/runs/get`, rpc, async (req) => {
    const f = new Fields(req)
    return { run: toMlflowRun(await services.tracking.getRun(req.actor, orgOf(req), runIdOf(f))) }
  })

  app.post(`${base}/runs/update`, rpc, async (req) => {
    const f = new Fields(req)
    const run = await services.tracking.updateRun(req.actor, orgOf(req), runIdOf(f), {
      status: f.optionalString('status'),
      endTime: f.optionalInt('end_time', { min: 0, max: ID_MAX }),
      name: f.optionalString('run_name') || undefined,
    })
    return { run_info: toMlflowRunInfo(run) }
  })

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/runs/search`,
      ...readRpc,
      handler: async (req) => {
        const f = new Fields(req)
        const clauses = parseRunFilter(f.optionalString('filter'))
        const ids = f.strings('experiment_ids').map((id) => {
          if (!/^[0-9]{1,15}$/.test(id)) throw invalid(`experiment_ids must be numbers, got "${id}"`)
          return Number(id)
        })
        const limit = f.optionalInt('max_results', { min: 1, max: 50_000 }) ?? 1000
        const offset = decodePageToken(f.optionalString('page_token'))
        const runs = await services.tracking.searchRuns(req.actor, orgOf(req), ids, offset, limit + 1, clauses)
        return {
          runs: runs.slice(0, limit).map(toMlflowRun),
          ...(runs.length > limit && { next_page_token: encodePageToken(offset + limit) }),
        }
      },
    })
  }

  app.get(`${base}/metrics/get-history`, rpc, async (req) => {
    const f = new Fields(req)
    const limit = f.optionalInt('max_results', { min: 1, max: 25_000 }) ?? 25_000
    const offset = decodePageToken(f.optionalString('page_token'))
    const metrics = await services.tracking.metricHistory(
      req.actor,
      orgOf(req),
      runIdOf(f),
      f.string('metric_key'),
      offset,
      limit + 1,
    )
    return {
      metrics: metrics.slice(0, limit),
      ...(metrics.length > limit && { next_page_token: encodePageToken(offset + limit) }),
    }
  })

  app.post(`${base}/runs/log-parameter`, rpc, async (req) => {
    const f = new Fields(req)
    await services.tracking.log(req.actor, orgOf(req), runIdOf(f), {
      params: [{ key: f.string('key'), value: f.optionalString('value') ?? '' }],
    })
    return {}
  })

  app.post(`${base}/runs/log-metric`, rpc, async (req) => {
    const f = new Fields(req)
    await services.tracking.log(req.actor, orgOf(req), runIdOf(f), { metrics: [metricOf(f)] })
    return {}
  })

  app.post(`${base}/runs/log-batch`, rpc, async (req) => {
    const f = new Fields(req)
    const metrics = f.list('metrics').map((m) => {
      if (m === null || typeof m !== 'object' || Array.isArray(m)) throw invalid('each metric is an object')
      return metricOf(new Fields({ body: m, query: {} } as never))
    })
    await services.tracking.log(req.actor, orgOf(req), runIdOf(f), {
      params: f.keyValues('params'),
      metrics,
      tags: f.keyValues('tags'),
    })
    return {}
  })

  app.post(`${base}/runs/set-tag`, rpc, async (req) => {
    const f = new Fields(req)
    await services.tracking.log(req.actor, orgOf(req), runIdOf(f), {
      tags: [{ key: f.string('key'), value: f.optionalString('value') ?? '' }],
    })
    return {}
  })

  app.post(`${base}/runs/delete-tag`, rpc, async (req) => {
    const f = new Fields(req)
    await services.tracking.deleteTag(req.actor, orgOf(req), runIdOf(f), f.string('key'))
    return {}
  })

  // Anything else under the prefix: MLflow's own "no such endpoint", which clients branch on.
  app.route({
    method: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
    url: `${base}/*`,
    ...rpc,
    handler: async (req) => {
      throw new MlflowError('ENDPOINT_NOT_FOUND', `modelreg does not serve ${req.method} ${req.url.split('?')[0]}`)
    },
  })
}

function metricOf(f: Fields): MetricValue {
  const value = f.optionalNumber('value')
  if (value === undefined) throw invalid(`Missing value for required parameter 'value'.`)
  return {
    key: f.string('key'),
    value,
    timestamp: f.optionalInt('timestamp', { min: 0, max: ID_MAX }) ?? Date.now(),
    step: f.optionalInt('step', { min: -ID_MAX, max: ID_MAX }) ?? 0,
  }
}
