import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'
import { getJson, send, type TestApp } from './route-kit.js'

/** Every endpoint of issue 2, section 7, as OpenAPI paths. */
const endpoints = [
  ['get', '/api/v1/models'],
  ['post', '/api/v1/models'],
  ['get', '/api/v1/models/{org}/{name}'],
  ['patch', '/api/v1/models/{org}/{name}'],
  ['delete', '/api/v1/models/{org}/{name}'],
  ['get', '/api/v1/models/{org}/{name}/versions'],
  ['post', '/api/v1/models/{org}/{name}/versions'],
  ['get', '/api/v1/models/{org}/{name}/versions/{version}'],
  ['patch', '/api/v1/models/{org}/{name}/versions/{version}'],
  ['delete', '/api/v1/models/{org}/{name}/versions/{version}'],
  ['post', '/api/v1/models/{org}/{name}/versions/{version}/stage'],
  ['get', '/api/v1/models/{org}/{name}/versions/{version}/stages'],
  ['get', '/api/v1/models/{org}/{name}/events'],
  ['get', '/api/v1/deployments'],
  ['post', '/api/v1/deployments'],
  ['get', '/api/v1/deployments/{id}'],
  ['post', '/api/v1/deployments/{id}/stop'],
  ['get', '/api/v1/analytics/summary'],
  ['get', '/api/v1/analytics/downloads'],
  ['get', '/api/v1/models/{org}/{name}/metrics'],
  ['get', '/healthz'],
  ['get', '/readyz'],
] as const

const errorCodes = ['VALIDATION_FAILED', 'FIELD_NOT_EDITABLE', 'NOT_FOUND', 'ALREADY_EXISTS', 'MODEL_DEPLOYED']

describe.each(dialects)('OpenAPI, docs and health on %s', (dialect) => {
  let t: TestApp
  // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as plain JSON
  let doc: any
  beforeAll(async () => {
    t = await openTestApp(dialect)
    doc = await getJson(t, '/api/openapi.json')
  })
  afterAll(async () => {
    await t.close()
  })

  it('serves an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\./)
    expect(doc.info).toMatchObject({ title: 'modelreg', version: expect.any(String) })
  })

  it.each(endpoints)('describes %s %s', (method, path) => {
    expect(Object.keys(doc.paths ?? {})).toContain(path)
    expect(doc.paths[path][method], `${method} ${path}`).toMatchObject({ summary: expect.any(String) })
  })

  it.each(endpoints.filter(([, path]) => path.startsWith('/api/v1/')))(
    'documents the error envelope of %s %s for 400, 404, 409 and 500',
    (method, path) => {
      const responses = doc.paths[path][method].responses
      for (const status of ['400', '404', '409', '500']) {
        const schema = responses[status]?.content?.['application/json']?.schema
        expect(schema?.properties?.error?.properties, `${method} ${path} ${status}`).toMatchObject({
          code: expect.anything(),
          message: expect.anything(),
          details: expect.anything(),
        })
      }
    },
  )

  it('names every error code of the API', () => {
    const text = JSON.stringify(doc)
    for (const code of errorCodes) expect(text).toContain(code)
  })

  it('serves the API reference at /api/docs', async () => {
    let res = await send(t, 'GET', '/api/docs')
    if (res.statusCode >= 300 && res.statusCode < 400) res = await send(t, 'GET', String(res.headers.location))
    expect(res.statusCode).toBe(200)
    expect(String(res.headers['content-type'])).toContain('text/html')
  })

  it('answers /healthz and /readyz', async () => {
    expect(await getJson(t, '/healthz')).toEqual({ status: 'ok' })
    expect(await getJson(t, '/readyz')).toEqual({ status: 'ready' })
  })

  it('answers an unknown route with 404 in the error envelope', async () => {
    const res = await send(t, 'GET', '/api/v1/nothing-here')
    expect(res.statusCode).toBe(404)
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String), details: {} } })
  })

  it('returns the request id in a header', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'req-123' } })
    expect(res.headers['x-request-id']).toBe('req-123')
  })
})
