import { CompareQuery, Comparison, ModelParams, VersionInspection, VersionParams } from '@modelreg/contract'
import type { Services } from '../services/services.js'
import { type App, errors } from './route-types.js'

const tags = ['Inspection']

export function inspectionRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/models/:org/:name/versions/:version/inspection',
    {
      schema: {
        tags,
        summary: 'What is inside a version, and whether loading it can run code',
        description:
          'Every artifact with its format, the facts read from its header (parameters, dtypes, inputs and ' +
          "outputs...) and its safety verdict with named findings. The version verdict is its worst file's: " +
          'dangerous > suspicious > unscannable > safe > none. status is pending until every file is inspected.',
        params: VersionParams,
        response: { 200: VersionInspection, ...errors },
      },
    },
    async (req) => services.inspections.get(req.actor, req.params.org, req.params.name, req.params.version),
  )

  app.post(
    '/api/v1/models/:org/:name/versions/:version/inspection',
    {
      schema: {
        tags,
        summary: 'Inspect a version again',
        description: 'Queues every file of the version for inspection (202); results replace the old ones when done.',
        params: VersionParams,
        response: { 202: VersionInspection, ...errors },
      },
    },
    async (req, reply) => {
      const result = await services.inspections.rerun(req.actor, req.params.org, req.params.name, req.params.version)
      return reply.code(202).send(result)
    },
  )

  app.get(
    '/api/v1/models/:org/:name/compare',
    {
      schema: {
        tags,
        summary: 'Compare two versions',
        description:
          'from and to are version references. Metadata fields that differ, metric deltas, files added, removed ' +
          'or changed (by sha256; unchanged files are not listed) and inspection differences.',
        params: ModelParams,
        querystring: CompareQuery,
        response: { 200: Comparison, ...errors },
      },
    },
    async (req) => services.compare.compare(req.actor, req.params.org, req.params.name, req.query.from, req.query.to),
  )
}
