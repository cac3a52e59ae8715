// GET /metrics: Prometheus text format that a parser reads, numbers that move with the requests made, open to
// direct loopback callers and to the metrics token only; /readyz answers 503 while the replica drains.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import parsePrometheusTextFormat, { type MetricFamily } from 'parse-prometheus-text-format'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Lifecycle } from '../../src/lifecycle.js'
import { ADMIN_PASSWORD, dialects, openTestApp } from '../helpers/registry.js'

const TOKEN = 'metrics-token-for-tests'

describe.each(dialects)('metrics and readiness on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let base: string
  const lifecycle = new Lifecycle()
  beforeAll(async () => {
    t = await openTestApp(dialect, {
      app: {
        lifecycle,
        metrics: {
          token: TOKEN,
          leases: { service: { holds: (name) => name === 'upload-sweep' }, names: ['upload-sweep', 'blob-collection'] },
          blobErrors: () => new Map([['get', 2]]),
        },
      },
    })
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await t.close()
  })

  const scrape = async (): Promise<MetricFamily[]> => {
    const res = await fetch(`${base}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    return parsePrometheusTextFormat(await res.text())
  }
  const family = (families: MetricFamily[], name: string) => {
    const found = families.find((f) => f.name === name)
    if (!found) throw new Error(`no metric ${name}`)
    return found
  }
  const requests = (families: MetricFamily[], route: string, status: string) =>
    value(families, 'modelreg_http_requests_total', { method: 'GET', route, status }) || 0
  const value = (families: MetricFamily[], name: string, labels: Record<string, string> = {}) =>
    Number(
      family(families, name).metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value,
    )

  it('parses as Prometheus text and moves with the requests made', async () => {
    const before = await scrape()
    for (let i = 0; i < 3; i++) expect((await fetch(`${base}/healthz`)).status).toBe(200)
    expect((await fetch(`${base}/api/v1/models`)).status).toBe(401)
    expect((await fetch(`${base}/no/such/route`)).status).toBe(404)
    const after = await scrape()
    // The parser folds a labelled histogram into one sample: it is checked for its presence; counts come from the counter.
    expect(family(after, 'modelreg_http_request_duration_seconds').type).toBe('HISTOGRAM')
    expect(requests(after, '/healthz', '200') - requests(before, '/healthz', '200')).toBe(3)
    expect(requests(after, '/api/v1/models', '401') - requests(before, '/api/v1/models', '401')).toBe(1)
    expect(requests(after, 'unmatched', '404') - requests(before, 'unmatched', '404')).toBe(1)
    expect(value(after, 'modelreg_http_received_bytes_total')).toBeGreaterThan(
      value(before, 'modelreg_http_received_bytes_total'),
    )
    expect(value(after, 'modelreg_http_sent_bytes_total')).toBeGreaterThan(
      value(before, 'modelreg_http_sent_bytes_total'),
    )
    expect(value(after, 'modelreg_active_transfers', { direction: 'upload' })).toBe(0)
    expect(value(after, 'modelreg_upload_sessions_open')).toBe(0)
    expect(value(after, 'modelreg_blob_store_errors_total', { op: 'get' })).toBe(2)
    expect(value(after, 'modelreg_lease_held', { name: 'upload-sweep' })).toBe(1)
    expect(value(after, 'modelreg_lease_held', { name: 'blob-collection' })).toBe(0)
    if (dialect === 'postgres') expect(value(after, 'modelreg_db_pool_connections', { state: 'max' })).toBe(10)
    else expect(family(after, 'modelreg_db_pool_connections').metrics).toEqual([])
  })

  it('counts an upload session as it is opened', async () => {
    const name = `metrics-${dialect}`
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    const before = value(await scrape(), 'modelreg_upload_sessions_open')
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/models/default/${name}/versions/1.0.0/uploads`,
      payload: { path: 'weights.bin', size: 10 },
    })
    expect(res.statusCode).toBe(201)
    expect(value(await scrape(), 'modelreg_upload_sessions_open')).toBe(before + 1)
  })

  it('counts a transfer its client abandons mid-body as aborted, and no longer in flight', async () => {
    const name = `aborted-${dialect}`
    await t.app.inject({ method: 'POST', url: '/api/v1/models', payload: { name, framework: 'onnx' } })
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    })
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ')
    const req = http.request(`${base}/api/v1/models/default/${name}/versions/1.0.0/artifacts/weights.bin`, {
      method: 'PUT',
      headers: {
        cookie,
        'x-csrf-token': login.json().csrfToken,
        'content-type': 'application/octet-stream',
        'content-length': String(8 * 1024 * 1024),
      },
    })
    req.on('error', () => {})
    await new Promise<void>((resolve) => req.write(Buffer.alloc(1024 * 1024), () => resolve()))
    // Taken by the server once counted as a transfer; then the client goes away.
    for (let i = 0; value(await scrape(), 'modelreg_active_transfers', { direction: 'upload' }) !== 1; i++) {
      if (i > 500) throw new Error('the upload never started')
    }
    req.destroy()
    for (let i = 0; value(await scrape(), 'modelreg_active_transfers', { direction: 'upload' }) !== 0; i++) {
      if (i > 500) throw new Error('the abandoned upload is still counted')
    }
    const route = '/api/v1/models/:org/:name/versions/:version/artifacts/*'
    expect(value(await scrape(), 'modelreg_http_requests_total', { method: 'PUT', route, status: 'aborted' })).toBe(1)
  })

  it('is closed to callers that are not direct loopback ones, unless they send the token', async () => {
    const get = (headers: Record<string, string>, remoteAddress = '127.0.0.1') =>
      t.app.inject({ method: 'GET', url: '/metrics', headers: { authorization: '', ...headers }, remoteAddress })
    expect((await get({})).statusCode).toBe(200)
    expect((await get({}, '203.0.113.9')).statusCode).toBe(403)
    // A proxy on the same host forwards someone else's request.
    expect((await get({ 'x-forwarded-for': '203.0.113.9' })).statusCode).toBe(403)
    expect((await get({ authorization: 'Bearer wrong' }, '203.0.113.9')).statusCode).toBe(403)
    expect((await get({ authorization: `Bearer ${TOKEN}` }, '203.0.113.9')).statusCode).toBe(200)
  })

  it('answers /readyz with 503 while draining', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200)
    lifecycle.draining = true
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' })
      expect(res.statusCode).toBe(503)
      expect(res.json().error.code).toBe('UNAVAILABLE')
    } finally {
      lifecycle.draining = false
    }
  })
})
