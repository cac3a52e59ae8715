// OpenAPI 3.1 from the route schemas at /api/openapi.json, and a browsable reference at /api/docs.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { registerPublic } from './auth.js'

export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'modelreg',
        version: '0.1.0',
        description:
          'A self-hosted registry for trained ML models. Every /api/v1 route except sign-in needs a bearer token or ' +
          'the session cookie (401 UNAUTHENTICATED otherwise; 403 FORBIDDEN for a write the caller may not do; a ' +
          'model the caller may not see answers 404). Every error is { "error": { "code", "message", "details" } } ' +
          'with VALIDATION_FAILED 400, FIELD_NOT_EDITABLE 400, NOT_FOUND 404, ALREADY_EXISTS 409, MODEL_DEPLOYED 409, ' +
          'VERSION_FROZEN 409, CONFLICT 409, CHECKSUM_MISMATCH 400, RANGE_NOT_SATISFIABLE 416, PAYLOAD_TOO_LARGE 413, ' +
          'UNSUPPORTED_MEDIA_TYPE 415, TOO_MANY_REQUESTS 429, INTERNAL 500.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A personal API token (POST /api/v1/tokens).' },
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: 'modelreg_session',
            description: 'The browser session of POST /api/v1/auth/login; writes also send x-csrf-token.',
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      tags: [
        { name: 'Models' },
        { name: 'Versions' },
        { name: 'Lifecycle' },
        { name: 'Artifacts' },
        { name: 'Uploads' },
        { name: 'Deployments' },
        { name: 'Auth' },
        { name: 'People' },
        { name: 'Audit' },
        { name: 'Analytics' },
        { name: 'Operations' },
      ],
    },
  })
  await registerPublic(app, async (scope) => {
    await scope.register(swaggerUi, { routePrefix: '/api/docs' })
  })
  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger())
}
