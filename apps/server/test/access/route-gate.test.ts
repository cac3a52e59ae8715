// The authentication gate goes by the matched route: every registered route, in every spelling of its URL that
// the router still matches, refuses an anonymous caller with 401, except the few routes declared public.
// Requests go over a raw socket so that the request target reaches the server exactly as written.
import fs from 'node:fs'
import net, { type AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registeredRoutes } from '../../src/plugins/auth.js'
import { dialects, openTestApp } from '../helpers/registry.js'

/** Routes that answer before sign-in; anything else declared public fails this test. */
const PUBLIC = [
  /^\/api\/v1\/auth\/login$/,
  /^\/healthz$/,
  /^\/readyz$/,
  // Prometheus metrics: loopback or the metrics token, checked by the route itself (plugins/metrics.ts).
  /^\/metrics$/,
  /^\/api\/openapi\.json$/,
  /^\/api\/docs($|\/)/,
  // The web UI's files: the sign-in page and the scripts it runs.
  /^\/\*$/,
  /^\/(index\.html|assets\/app\.js)?$/,
  // Hugging Face LFS uploads: the URL carries its own short-lived credential (clients send no Authorization).
  /^\/hf\/lfs-objects\/:token$/,
]

const hex = (c: string) => `%${c.charCodeAt(0).toString(16)}`
const HEX = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`

/** Request targets for one path; `routes` says whether the router is expected to match it at all. */
function spellings(p: string): { name: string; target: string; routes: boolean }[] {
  return [
    { name: 'plain', target: p, routes: true },
    { name: 'with a query', target: `${p}?x=1`, routes: true },
    {
      name: 'first letter of each segment percent-encoded',
      target: p.replace(/\/([A-Za-z])/g, (_, c: string) => `/${hex(c)}`),
      routes: true,
    },
    { name: 'every letter percent-encoded (upper-case hex)', target: p.replace(/[A-Za-z]/g, HEX), routes: true },
    { name: 'absolute-form', target: `http://registry.example${p}`, routes: true },
    { name: 'absolute-form https with a port', target: `https://registry.example:8443${p}`, routes: true },
    { name: 'absolute-form and percent-encoded', target: `http://x${p.replace(/v1/, '%761')}`, routes: true },
    { name: 'doubled leading slash', target: `/${p}`, routes: false },
    { name: 'doubled inner slash', target: p.replace(/^(\/[^/]+)\//, '$1//'), routes: false },
    { name: 'trailing slash', target: `${p}/`, routes: false },
    { name: 'dot segment', target: p.replace(/^(\/[^/]+)\//, '$1/./'), routes: false },
    { name: 'upper-case', target: p.replace(/[a-z]/, (c) => c.toUpperCase()), routes: false },
  ]
}

/** A concrete path for a route pattern: parameters and wildcards get sample values. */
const concrete = (url: string) => url.replace(/:[A-Za-z]+/g, 'x1').replace(/\*$/, 'weights.bin')

interface RawReply {
  status: number
  head: string
  body: string
}

/** One HTTP/1.1 request with the target exactly as given. */
function raw(port: number, method: string, target: string): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)
      const end = text.indexOf('\r\n\r\n')
      resolve({ status, head: text.slice(0, end).toLowerCase(), body: text.slice(end + 4) })
    })
    const length = ['GET', 'HEAD', 'OPTIONS'].includes(method) ? '' : 'Content-Length: 0\r\n'
    socket.write(`${method} ${target} HTTP/1.1\r\nHost: registry.example\r\nConnection: close\r\n${length}\r\n`)
  })
}

describe.each(dialects)('the authentication gate on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  let port: number
  let webRoot: string
  beforeAll(async () => {
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-web-'))
    fs.mkdirSync(path.join(webRoot, 'assets'))
    fs.writeFileSync(path.join(webRoot, 'index.html'), '<!doctype html><title>modelreg</title>')
    fs.writeFileSync(path.join(webRoot, 'assets', 'app.js'), 'console.log(1)')
    t = await openTestApp(dialect, { app: { webRoot } })
    // Routes a later compatibility layer might add under its own prefix: one declares no rule, one a misspelt rule.
    t.app.get('/compat/undeclared/:org/:name', async () => ({ leaked: true }))
    t.app.get('/api/2.0/mlflow/registered-models/probe', { config: { access: 'publik' as 'public' } }, async () => ({
      leaked: true,
    }))
    await t.app.listen({ port: 0, host: '127.0.0.1' })
    port = (t.app.server.address() as AddressInfo).port
  })
  afterAll(async () => {
    await t.close()
    fs.rmSync(webRoot, { recursive: true, force: true })
  })

  it('declares public only sign-in, health, the API reference and the web UI', () => {
    const routes = registeredRoutes(t.app)
    expect(routes.length).toBeGreaterThan(40)
    const open = routes.filter((r) => r.access === 'public').map((r) => r.url)
    expect(open.filter((url) => !PUBLIC.some((p) => p.test(url)))).toEqual([])
    expect(open).toContain('/api/v1/auth/login')
    expect(routes.find((r) => r.url === '/compat/undeclared/:org/:name')?.access).toBe('caller')
    expect(routes.find((r) => r.url === '/api/2.0/mlflow/registered-models/probe')?.access).toBe('caller')
  })

  it('refuses an anonymous caller on every other route, in every spelling of its URL', async () => {
    const routes = registeredRoutes(t.app).filter((r) => r.access !== 'public')
    const failures: string[] = []
    let refused = 0
    for (const route of routes) {
      const p = concrete(route.url)
      await Promise.all(
        spellings(p).map(async (s) => {
          const res = await raw(port, route.method, s.target)
          // A spelling the router does not match reaches no API handler: the not-found answer or the web UI's page.
          const notFound = res.status === 404 && (route.method === 'HEAD' || res.body.includes('no route'))
          const webPage =
            res.status === 200 && res.head.includes('content-type: text/html') && !res.body.includes('leaked')
          if (res.status === 401) {
            refused++
            // The Hugging Face layer answers in the Hub's shape: RepoNotFound, as the Hub tells anonymous callers.
            const coded = route.url.startsWith('/hf/')
              ? res.head.includes('x-error-code: reponotfound')
              : route.method === 'HEAD' || res.body.includes('UNAUTHENTICATED')
            if (!coded) failures.push(`${s.target}: body`)
          } else if (!((notFound || webPage) && !s.routes)) {
            failures.push(`${route.method} ${s.target} (${s.name}): ${res.status} ${res.body.slice(0, 120)}`)
          }
        }),
      )
    }
    expect(failures).toEqual([])
    expect(refused).toBeGreaterThanOrEqual(routes.length * 7)
  })

  it('refuses a route reached through an encoded or absolute-form URL even with a valid-looking CSRF header', async () => {
    for (const target of ['/api/%761/models', 'http://x/api/v1/models', '/%61pi/v1/audit']) {
      expect((await raw(port, 'GET', target)).status).toBe(401)
    }
    const write = await raw(port, 'POST', 'http://x/api/v1/models')
    expect(write.status).toBe(401)
  })

  it('still answers the public routes without a caller', async () => {
    expect((await raw(port, 'GET', '/healthz')).status).toBe(200)
    expect((await raw(port, 'GET', '/api/openapi.json')).status).toBe(200)
    expect((await raw(port, 'GET', '/api/docs/')).status).toBe(200)
    expect((await raw(port, 'GET', '/models/default/bert')).status).toBe(200)
    expect((await raw(port, 'GET', '/assets/app.js')).status).toBe(200)
    expect((await raw(port, 'GET', '/api/v1/nothing-here')).status).toBe(404)
  })
})
