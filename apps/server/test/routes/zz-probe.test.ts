import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'

describe.each(dialects)('probe %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  beforeAll(async () => { t = await openTestApp(dialect) })
  afterAll(async () => { await t.close() })
  it('probe', async () => {
    const show = async (o: any) => { const r = await t.app.inject(o); console.log(dialect, o.method, o.url, r.statusCode, r.body.slice(0, 300)) }
    await show({ method: 'POST', url: '/api/v1/models', payload: exampleModel() })
    await show({ method: 'GET', url: '/api/v1/models?limit=2&publicAccess=true&tag=a&tag=b' })
    await show({ method: 'GET', url: '/api/v1/models?limit=abc' })
    await show({ method: 'GET', url: '/api/v1/models/default/a%00b' })
    await show({ method: 'GET', url: '/api/v1/models?q=%00' })
    await show({ method: 'GET', url: '/api/v1/models/default/..' })
    await show({ method: 'GET', url: '/api/v1/models/default/%2E%2E' })
    await show({ method: 'GET', url: '/api/v1/models/default/a%2Fb' })
    await show({ method: 'POST', url: '/api/v1/models', payload: '{"name":"x","framework":"onnx"}', headers: { 'content-type': 'text/plain' } })
    await show({ method: 'POST', url: '/api/v1/models', payload: '<a/>', headers: { 'content-type': 'application/xml' } })
    await show({ method: 'POST', url: '/api/v1/models' })
    await show({ method: 'POST', url: '/api/v1/models', payload: '', headers: { 'content-type': 'application/json' } })
    await show({ method: 'POST', url: '/api/v1/models', payload: '{"__proto__":{"x":1},"name":"p","framework":"onnx"}', headers: { 'content-type': 'application/json' } })
    const c = Buffer.from(JSON.stringify(['bert', 1])).toString('base64url')
    await show({ method: 'GET', url: `/api/v1/models?sort=created&cursor=${c}` })
    await show({ method: 'GET', url: `/api/docs` })
    await show({ method: 'GET', url: `/readyz` })
  })
})
