// MLflow's model registry RPCs (/api/2.0/mlflow/registered-models/… and model-versions/…) over the native
// services: the same models, versions, stages, aliases, permissions and history as /api/v1.
import type { FastifyRequest } from 'fastify'
import type { App } from '../../routes/route-types.js'
import type { Services } from '../../services/services.js'
import type { ModelVersion } from '../../services/version-resolver.js'
import { modelFilterSpec, parseFilter, versionFilterSpec } from './mlflow-filter.js'
import { MlflowError, parseSource, sequenceOf, stageFromMlflow, versionArtifactUri } from './mlflow-mapping.js'
import { toMlflowModel, toMlflowVersion } from './mlflow-presenters.js'
import { decodePageToken, encodePageToken, Fields, invalid, parseOrderBy } from './mlflow-request.js'
import { orgOf, readRpc, rpc, webOrigin } from './mlflow-route-kit.js'

const MODEL_ORDER = ['name', 'creation_timestamp', 'last_updated_timestamp', 'timestamp'] as const
const VERSION_ORDER = ['name', 'version_number', 'creation_timestamp', 'last_updated_timestamp', 'timestamp'] as const

export function mlflowRegistryRoutes(app: App, services: Services): void {
  const base = '/api/2.0/mlflow'

  /** A registered model as MLflow shows it: latest version per stage, tags, aliases. */
  async function presentModel(req: FastifyRequest, name: string) {
    const { model, view, versionViews } = await services.registrySearch.modelDetail(req.actor, orgOf(req), name)
    return toMlflowModel(model, view, versionViews)
  }
  async function presentVersions(list: ModelVersion[]) {
    const views = await services.registrySearch.versionViews(list.map((mv) => mv.version))
    return list.map(({ model, version }) => toMlflowVersion(model, version, views.get(version.id)))
  }
  const versionOf = (req: FastifyRequest, f: Fields) =>
    services.versions.getBySequence(req.actor, orgOf(req), f.string('name'), sequenceOf(f.string('version')))

  // Registered models
  app.post(`${base}/registered-models/create`, rpc, async (req) => {
    const f = new Fields(req)
    const name = f.string('name')
    await services.models.createEmpty(req.actor, orgOf(req), {
      name,
      description: f.optionalString('description') ?? '',
      tags: f.keyValues('tags'),
    })
    return { registered_model: await presentModel(req, name) }
  })

  app.get(`${base}/registered-models/get`, rpc, async (req) => {
    const f = new Fields(req)
    return { registered_model: await presentModel(req, f.string('name')) }
  })

  app.post(`${base}/registered-models/rename`, rpc, async (req) => {
    const f = new Fields(req)
    const renamed = await services.models.rename(req.actor, orgOf(req), f.string('name'), f.string('new_name'))
    return { registered_model: await presentModel(req, renamed.name) }
  })

  app.patch(`${base}/registered-models/update`, rpc, async (req) => {
    const f = new Fields(req)
    const name = f.string('name')
    const description = f.optionalString('description')
    if (description !== undefined) await services.models.setDescription(req.actor, orgOf(req), name, description)
    return { registered_model: await presentModel(req, name) }
  })

  app.delete(`${base}/registered-models/delete`, rpc, async (req) => {
    const f = new Fields(req)
    await services.models.delete(req.actor, orgOf(req), f.string('name'))
    return {}
  })

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/registered-models/search`,
      ...readRpc,
      handler: async (req) => {
        const f = new Fields(req)
        const limit = f.optionalInt('max_results', { min: 1, max: 1000 }) ?? 100
        const offset = decodePageToken(f.optionalString('page_token'))
        const details = await services.registrySearch.searchModels(req.actor, orgOf(req), {
          clauses: parseFilter(f.optionalString('filter'), modelFilterSpec),
          order: parseOrderBy(f.strings('order_by'), MODEL_ORDER),
          offset,
          limit: limit + 1,
        })
        return {
          registered_models: details.slice(0, limit).map((d) => toMlflowModel(d.model, d.view, d.versionViews)),
          ...(details.length > limit && { next_page_token: encodePageToken(offset + limit) }),
        }
      },
    })
  }

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/registered-models/get-latest-versions`,
      ...readRpc,
      handler: async (req) => {
        const f = new Fields(req)
        const stages = f.strings('stages').map(stageFromMlflow)
        const { list, versionViews } = await services.registrySearch.latestInStages(
          req.actor,
          orgOf(req),
          f.string('name'),
          stages,
        )
        return {
          model_versions: list.map(({ model, version }) =>
            toMlflowVersion(model, version, versionViews.get(version.id)),
          ),
        }
      },
    })
  }

  app.post(`${base}/registered-models/set-tag`, rpc, async (req) => {
    const f = new Fields(req)
    await services.keyTags.setModelTag(req.actor, orgOf(req), f.string('name'), {
      key: f.string('key'),
      value: f.optionalString('value') ?? '',
    })
    return {}
  })

  app.delete(`${base}/registered-models/delete-tag`, rpc, async (req) => {
    const f = new Fields(req)
    await services.keyTags.deleteModelTag(req.actor, orgOf(req), f.string('name'), f.string('key'))
    return {}
  })

  app.post(`${base}/registered-models/alias`, rpc, async (req) => {
    const f = new Fields(req)
    const alias = f.string('alias')
    const { version } = await versionOf(req, f)
    await services.aliases.set(req.actor, orgOf(req), f.string('name'), alias, { version: version.version })
    return {}
  })

  app.delete(`${base}/registered-models/alias`, rpc, async (req) => {
    const f = new Fields(req)
    await services.aliases.remove(req.actor, orgOf(req), f.string('name'), f.string('alias'))
    return {}
  })

  app.get(`${base}/registered-models/alias`, rpc, async (req) => {
    const f = new Fields(req)
    const alias = f.string('alias')
    const { aliases } = await services.aliases.list(req.actor, orgOf(req), f.string('name'))
    const target = aliases.find((a) => a.name === alias)
    if (!target) {
      throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `Registered model alias ${alias} not found.`)
    }
    const mv = await services.versions.get(req.actor, orgOf(req), f.string('name'), target.version)
    return { model_version: (await presentVersions([mv]))[0] }
  })

  // Model versions
  app.post(`${base}/model-versions/create`, rpc, async (req) => {
    const f = new Fields(req)
    const org = orgOf(req)
    const name = f.string('name')
    const source = f.string('source')
    if (source.split(/[\\/]/).includes('..')) throw invalid(`source "${source}" must not contain ".." segments`)
    if (/^(file:|\/)/.test(source)) throw invalid(`source "${source}" is a local path; log the files to a run first`)
    const fromRun = parseSource(source)
    const runId = f.optionalString('run_id') || fromRun?.runId || null
    let metrics: Record<string, number> = {}
    let runUrl: string | undefined
    if (runId !== null) {
      // The run must be one the caller can read in this organisation; its final metrics become the version's.
      const { run } = await services.tracking.getRun(req.actor, org, runId)
      metrics = await services.tracking.finalMetrics(req.actor, org, run.id)
      runUrl = `${webOrigin(req)}/experiments/${run.experimentId}?org=${encodeURIComponent(org)}&run=${run.id}`
    }
    const tags = f.keyValues('tags')
    const { version } = await services.versions.register(req.actor, org, name, {
      description: f.optionalString('description') ?? '',
      sourceUri: source,
      runId,
      runUrl,
      metrics,
      tags,
      ...(fromRun && fromRun.runId === runId && { files: { runId: fromRun.runId, prefix: fromRun.path } }),
    })
    const mv = await services.versions.getBySequence(req.actor, org, name, version.sequence)
    return { model_version: (await presentVersions([mv]))[0] }
  })

  app.get(`${base}/model-versions/get`, rpc, async (req) => {
    const f = new Fields(req)
    return { model_version: (await presentVersions([await versionOf(req, f)]))[0] }
  })

  app.patch(`${base}/model-versions/update`, rpc, async (req) => {
    const f = new Fields(req)
    const { model, version } = await versionOf(req, f)
    const description = f.optionalString('description')
    if (description !== undefined) {
      await services.versions.update(req.actor, orgOf(req), model.name, version.version, { description })
    }
    return { model_version: (await presentVersions([await versionOf(req, f)]))[0] }
  })

  app.delete(`${base}/model-versions/delete`, rpc, async (req) => {
    const f = new Fields(req)
    const { model, version } = await versionOf(req, f)
    await services.versions.delete(req.actor, orgOf(req), model.name, version.version, { dropAliases: true })
    return {}
  })

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: `${base}/model-versions/search`,
      ...readRpc,
      handler: async (req) => {
        const f = new Fields(req)
        const limit = f.optionalInt('max_results', { min: 1, max: 200_000 }) ?? 10_000
        const offset = decodePageToken(f.optionalString('page_token'))
        const list = await services.registrySearch.searchVersions(req.actor, orgOf(req), {
          clauses: parseFilter(f.optionalString('filter'), versionFilterSpec),
          order: parseOrderBy(f.strings('order_by'), VERSION_ORDER),
          offset,
          limit: limit + 1,
        })
        return {
          model_versions: await presentVersions(list.slice(0, limit)),
          ...(list.length > limit && { next_page_token: encodePageToken(offset + limit) }),
        }
      },
    })
  }

  app.post(`${base}/model-versions/transition-stage`, rpc, async (req) => {
    const f = new Fields(req)
    const stage = stageFromMlflow(f.string('stage'))
    const archive = f.bool('archive_existing_versions')
    const { model, version } = await versionOf(req, f)
    // MLflow lets a version "move" to the stage it is in; the native call refuses that, so only move when it changes.
    if (version.stage !== stage || archive) {
      if (version.stage === stage) {
        // Archive the others without moving this one: move it out and back is not what MLflow does either.
        throw invalid(`version ${version.sequence} is already in ${f.string('stage')}`)
      }
      await services.versions.changeStage(
        req.actor,
        orgOf(req),
        model.name,
        version.version,
        { stage, comment: '' },
        { archiveOthersInStage: archive },
      )
    }
    return { model_version: (await presentVersions([await versionOf(req, f)]))[0] }
  })

  app.get(`${base}/model-versions/get-download-uri`, rpc, async (req) => {
    const f = new Fields(req)
    const { model, version } = await versionOf(req, f)
    return { artifact_uri: versionArtifactUri(model.name, version.sequence) }
  })

  app.post(`${base}/model-versions/set-tag`, rpc, async (req) => {
    const f = new Fields(req)
    const { model, version } = await versionOf(req, f)
    await services.keyTags.setVersionTag(req.actor, orgOf(req), model.name, version.version, {
      key: f.string('key'),
      value: f.optionalString('value') ?? '',
    })
    return {}
  })

  app.delete(`${base}/model-versions/delete-tag`, rpc, async (req) => {
    const f = new Fields(req)
    const { model, version } = await versionOf(req, f)
    await services.keyTags.deleteVersionTag(req.actor, orgOf(req), model.name, version.version, f.string('key'))
    return {}
  })
}
