import {
  CreateDeploymentBody,
  Deployment,
  DeploymentPage,
  DeploymentParams,
  ListDeploymentsQuery,
} from '@modelreg/contract'
import type { Services } from '../services/services.js'
import { toDeploymentResponse } from './presenters.js'
import { type App, errors } from './route-types.js'

const tags = ['Deployments']

export function deploymentRoutes(app: App, services: Services): void {
  app.get(
    '/api/v1/deployments',
    {
      schema: {
        tags,
        summary: 'List deployments',
        description: 'Newest first; filter by model (org/name), version and status.',
        querystring: ListDeploymentsQuery,
        response: { 200: DeploymentPage, ...errors },
      },
    },
    async (req) => {
      const page = await services.deployments.list(req.actor, req.query)
      return {
        items: page.items.map((d) => toDeploymentResponse(d.deployment, d.model, d.version)),
        nextCursor: page.nextCursor,
      }
    },
  )

  app.post(
    '/api/v1/deployments',
    {
      schema: {
        tags,
        summary: 'Start a deployment',
        description: 'Marks the version deployed. One active deployment per version and environment.',
        body: CreateDeploymentBody,
        response: { 201: Deployment, ...errors },
      },
    },
    async (req, reply) => {
      const d = await services.deployments.start(req.actor, req.body)
      return reply.code(201).send(toDeploymentResponse(d.deployment, d.model, d.version))
    },
  )

  app.get(
    '/api/v1/deployments/:id',
    {
      schema: { tags, summary: 'Get a deployment', params: DeploymentParams, response: { 200: Deployment, ...errors } },
    },
    async (req) => {
      const d = await services.deployments.get(req.actor, req.params.id)
      return toDeploymentResponse(d.deployment, d.model, d.version)
    },
  )

  app.post(
    '/api/v1/deployments/:id/stop',
    {
      schema: {
        tags,
        summary: 'Stop a deployment',
        description: 'Stopping the last active deployment of a version returns its status to completed.',
        params: DeploymentParams,
        response: { 200: Deployment, ...errors },
      },
    },
    async (req) => {
      const d = await services.deployments.stop(req.actor, req.params.id)
      return toDeploymentResponse(d.deployment, d.model, d.version)
    },
  )
}
