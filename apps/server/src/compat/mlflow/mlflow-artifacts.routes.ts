// MLflow's artifact proxy (/api/2.0/mlflow-artifacts/…): a run's files (<experiment>/<run>/artifacts/<path>), which
// clients upload with log_artifacts, and a version's files (models/<name>/<version>/<path>), where
// get-download-uri points. Bytes go to and come from the registry's blob store; downloads count as native ones.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { acceptRawBodies } from '../../routes/raw-body.js'
import type { App } from '../../routes/route-types.js'
import type { Services } from '../../services/services.js'
import { folderEntries } from '../../services/tracking.service.js'
import { MlflowError, sequenceOf } from './mlflow-mapping.js'
import { invalid } from './mlflow-request.js'
import { orgOf, rpc } from './mlflow-route-kit.js'

type Target =
  | { kind: 'run'; runId: string; path: string }
  | { kind: 'version'; name: string; sequence: number; path: string }

/** What a proxy path names; `..` and other unsafe paths are INVALID_PARAMETER_VALUE. */
export function targetOf(raw: string): Target {
  const path = raw.replace(/^\/+|\/+$/g, '')
  if (path.split('/').some((s) => s === '..' || s === '.'))
    throw invalid(`artifact path "${raw}" must not contain ".."`)
  const version = /^models\/([^/]+)\/([^/]+)(?:\/(.*))?$/.exec(path)
  if (version)
    return {
      kind: 'version',
      name: version[1] as string,
      sequence: sequenceOf(version[2] as string),
      path: version[3] ?? '',
    }
  const run = /^[0-9]+\/([0-9a-f]{32})\/artifacts(?:\/(.*))?$/.exec(path)
  if (run) return { kind: 'run', runId: run[1] as string, path: run[2] ?? '' }
  throw new MlflowError('RESOURCE_DOES_NOT_EXIST', `no artifacts at "${raw}"`)
}

export function mlflowArtifactRoutes(app: App, services: Services): void {
  const base = '/api/2.0/mlflow-artifacts'
  acceptRawBodies(app)

  const versionOf = async (req: FastifyRequest, t: Extract<Target, { kind: 'version' }>) =>
    services.versions.getBySequence(req.actor, orgOf(req), t.name, t.sequence)

  app.get(`${base}/artifacts`, rpc, async (req) => {
    const raw = (req.query as { path?: unknown }).path
    if (raw !== undefined && typeof raw !== 'string') throw invalid('path must be a string')
    if (raw === undefined || raw === '') return {}
    const t = targetOf(raw)
    let entries: { path: string; isDir: boolean; size?: number }[]
    if (t.kind === 'run') {
      entries = await services.tracking.listArtifacts(req.actor, orgOf(req), t.runId, t.path)
    } else {
      const { model, version } = await versionOf(req, t)
      const { artifacts } = await services.artifacts.list(req.actor, orgOf(req), model.name, version.version)
      entries = folderEntries(artifacts, t.path)
    }
    if (entries.length === 0) return {}
    return {
      files: entries.map((e) => ({
        path: e.path.slice(e.path.lastIndexOf('/') + 1),
        is_dir: e.isDir,
        ...(!e.isDir && { file_size: e.size }),
      })),
    }
  })

  app.get(`${base}/artifacts/*`, rpc, async (req, reply) => {
    const t = targetOf((req.params as { '*': string })['*'])
    if (t.path === '') throw invalid('name a file to download')
    if (t.kind === 'run') {
      const { artifact, body } = await services.tracking.getArtifact(req.actor, orgOf(req), t.runId, t.path)
      return sendFile(reply, artifact.path, artifact.size, body)
    }
    const { model, version } = await versionOf(req, t)
    const download = await services.artifacts.download(
      req.actor,
      { org: orgOf(req), name: model.name, version: version.version, path: t.path },
      () => ({ kind: 'stream', method: 'GET' }) as const,
    )
    return sendFile(reply, download.artifact.path, download.artifact.size, download.bodies[0])
  })

  app.put(`${base}/artifacts/*`, rpc, async (req) => {
    const t = targetOf((req.params as { '*': string })['*'])
    if (t.kind !== 'run') throw invalid("a version's files are uploaded through a run or the native API")
    if (t.path === '') throw invalid('name the file to upload')
    const abort = new AbortController()
    req.raw.once('close', () => {
      if (!req.raw.complete) abort.abort()
    })
    await services.tracking.putArtifact(req.actor, orgOf(req), t.runId, t.path, req.raw, {
      contentType: req.headers['content-type'],
      signal: abort.signal,
    })
    return {}
  })

  app.delete(`${base}/artifacts/*`, rpc, async (req) => {
    const t = targetOf((req.params as { '*': string })['*'])
    if (t.kind !== 'run') throw invalid("a version's files are deleted through the native API")
    await services.tracking.deleteArtifact(req.actor, orgOf(req), t.runId, t.path)
    return {}
  })

  // Multipart uploads: the client falls back to one PUT on exactly this answer.
  app.post(`${base}/mpu/*`, rpc, async () => {
    throw new MlflowError('NOT_IMPLEMENTED', 'Multipart upload is not supported for the current artifact repository')
  })
}

function sendFile(reply: FastifyReply, path: string, size: number, body: unknown) {
  const name = path.slice(path.lastIndexOf('/') + 1)
  return reply
    .header('content-type', 'application/octet-stream')
    .header('content-length', String(size))
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(name)}`)
    .send(body)
}
