// OpenAPI 3.1 from the route schemas at /api/openapi.json, and a browsable reference at /api/docs.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'modelreg',
        version: '0.1.0',
        description:
          'A self-hosted registry for trained ML models. Every error is { "error": { "code", "message", "details" } } ' +
          'with VALIDATION_FAILED 400, FIELD_NOT_EDITABLE 400, NOT_FOUND 404, ALREADY_EXISTS 409, MODEL_DEPLOYED 409, ' +
          'VERSION_FROZEN 409, CONFLICT 409, PAYLOAD_TOO_LARGE 413, UNSUPPORTED_MEDIA_TYPE 415, INTERNAL 500.',
      },
      tags: [
        { name: 'Models' },
        { name: 'Versions' },
        { name: 'Lifecycle' },
        { name: 'Artifacts' },
        { name: 'Uploads' },
        { name: 'Deployments' },
        { name: 'Operations' },
      ],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}
