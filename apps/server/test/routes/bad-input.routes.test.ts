// Every bad request gets a 4xx in the error envelope with a clear message, and changes nothing. Never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import { createVersion, expectError, forgeCursor, getJson, send, type TestApp } from './route-kit.js'

const M = '/api/v1/models'
const VICTIM = `${M}/default/victim`
/** A valid Create Model body under a fresh name, so that a row that wrongly succeeds cannot affect the next. */
const valid = () => exampleModel({ name: uniqueName('newcomer') })
const json = { 'content-type': 'application/json' }

interface Case {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  /** An object is sent as JSON; a string is sent as is with `headers`. */
  payload?: unknown
  headers?: Record<string, string>
  /** The status to expect, or the acceptable ones (e.g. 400 or 404 for a name that cannot exist). */
  status: number | number[]
  message: RegExp
}

const codeOf: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'VALIDATION_FAILED',
  415: 'UNSUPPORTED_MEDIA_TYPE',
}

const post = (payload: unknown, message: RegExp): Case => ({ method: 'POST', url: M, payload, status: 400, message })
const named = (name: string): Case => post({ ...valid(), name }, /name/i)
const query = (url: string, message: RegExp): Case => ({ method: 'GET', url, status: 400, message })

const cases: Record<string, Case> = {
  // Bodies that are not a JSON object.
  'malformed JSON': { method: 'POST', url: M, payload: '{"name": "x",', headers: json, status: 400, message: /JSON/ },
  'empty body with a JSON content-type': {
    method: 'POST',
    url: M,
    payload: '',
    headers: json,
    status: 400,
    message: /empty/,
  },
  'no body at all': { method: 'POST', url: M, status: 400, message: /body/i },
  'JSON null': { method: 'POST', url: M, payload: 'null', headers: json, status: 400, message: /body/i },
  'JSON array': { method: 'POST', url: M, payload: '[]', headers: json, status: 400, message: /body/i },
  'a __proto__ key': {
    method: 'POST',
    url: M,
    payload: '{"name":"p","framework":"onnx","__proto__":{"admin":true}}',
    headers: json,
    status: 400,
    message: /JSON|__proto__/,
  },
  'content-type text/plain': {
    method: 'POST',
    url: M,
    payload: JSON.stringify(valid()),
    headers: { 'content-type': 'text/plain' },
    status: 415,
    message: /Content-Type/,
  },
  'content-type application/xml': {
    method: 'POST',
    url: M,
    payload: '<model/>',
    headers: { 'content-type': 'application/xml' },
    status: 415,
    message: /Content-Type/,
  },
  'content-type form-urlencoded': {
    method: 'POST',
    url: M,
    payload: 'name=x&framework=onnx',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    status: 415,
    message: /Content-Type/,
  },
  'a body over 1 MiB': { ...post({ ...valid(), description: 'x'.repeat(1_100_000) }, /too large/), status: 413 },

  // Wrong types.
  'publicAccess "true"': post({ ...valid(), publicAccess: 'true' }, /publicAccess/),
  'tags "a,b"': post({ ...valid(), tags: 'a,b' }, /tags/),
  'a tag with a comma': post({ ...valid(), tags: ['a,b'] }, /tag/),
  'metrics { x: "1" }': post({ ...valid(), metrics: { x: '1' } }, /metrics/),
  'name as a number': post({ ...valid(), name: 123 }, /name/),
  'version as a number': post({ ...valid(), version: 1 }, /version/),
  'framework missing': post({ name: 'newcomer' }, /framework/),

  // Oversized strings and lists.
  'name of 129 characters': post({ ...valid(), name: 'n'.repeat(129) }, /name/),
  'description over 10000 characters': post({ ...valid(), description: 'd'.repeat(10_001) }, /description/),
  'author over 200 characters': post({ ...valid(), author: 'a'.repeat(201) }, /author/),
  '33 tags': post({ ...valid(), tags: Array.from({ length: 33 }, (_, i) => `t${i}`) }, /tags/),
  'a tag of 65 characters': post({ ...valid(), tags: ['t'.repeat(65)] }, /tags/),
  'frameworkOther of 65 characters': post(
    { ...valid(), framework: 'others', frameworkOther: 'x'.repeat(65) },
    /frameworkOther/,
  ),

  // Unknown fields are refused, not dropped.
  'an unknown field on create': post({ ...valid(), color: 'red' }, /color/),
  'stage on New Version': {
    method: 'POST',
    url: `${VICTIM}/versions`,
    payload: { version: '3.0.0', stage: 'production' },
    status: 400,
    message: /stage/,
  },
  'a misspelt field on PATCH version': {
    method: 'PATCH',
    url: `${VICTIM}/versions/1.0.0`,
    payload: { descripton: 'typo' },
    status: 400,
    message: /descripton/,
  },
  'a misspelt field on PATCH model': {
    method: 'PATCH',
    url: VICTIM,
    payload: { publicAcess: false },
    status: 400,
    message: /publicAcess/,
  },
  'an unknown field on a stage change': {
    method: 'POST',
    url: `${VICTIM}/versions/1.0.0/stage`,
    payload: { stage: 'staging', force: true },
    status: 400,
    message: /force/,
  },
  'an unknown field on a deployment': {
    method: 'POST',
    url: '/api/v1/deployments',
    payload: { model: 'default/victim', version: '1.0.0', environment: 'prod', replicas: 3 },
    status: 400,
    message: /replicas/,
  },

  // Names that are not Model Names.
  'name with "/"': named('a/b'),
  'name ".."': named('..'),
  'name with NUL': named('a\u0000b'),
  'name with an emoji': named('model 🚀'),
  'name with a leading dot': named('.hidden'),
  'name with a trailing space': named('trailing '),
  'name with a leading space': named(' leading'),
  'empty name': named(''),
  'name with a newline': named('a\nb'),

  // Control characters in other free text.
  'frameworkOther with NUL': post(
    { ...valid(), framework: 'others', frameworkOther: 'XG\u0000Boost' },
    /frameworkOther/,
  ),
  'licenseOther with NUL': post({ ...valid(), license: 'others', licenseOther: 'CC\u0000BY' }, /licenseOther/),
  'source.commit with NUL': post({ ...valid(), source: { commit: 'abc\u0000' } }, /commit|source/),
  'source.datasets with NUL': post({ ...valid(), source: { datasets: ['imagenet\u0000'] } }, /datasets|source/),
  'description with NUL': post({ ...valid(), description: 'a\u0000b' }, /description/),

  // Names in paths: they can match no model.
  'path name with an encoded "/"': {
    method: 'GET',
    url: `${M}/default/a%2Fb`,
    status: [400, 404],
    message: /a\/b|name/,
  },
  'path name with NUL': { method: 'GET', url: `${M}/default/a%00b`, status: [400, 404], message: /not found|name/ },
  'PATCH a path name with NUL': {
    method: 'PATCH',
    url: `${M}/default/victim%00`,
    payload: { publicAccess: false },
    status: [400, 404],
    message: /not found|name/,
  },
  'DELETE a path name with NUL': {
    method: 'DELETE',
    url: `${M}/default/victim%00`,
    status: [400, 404],
    message: /not found|name/,
  },
  'path org with NUL': { method: 'GET', url: `${M}/de%00fault/victim`, status: [400, 404], message: /not found|org/ },
  'path name with an emoji': {
    method: 'GET',
    url: `${M}/default/%F0%9F%9A%80`,
    status: [400, 404],
    message: /not found|name/,
  },
  'path name ".."': { method: 'DELETE', url: `${M}/default/..`, status: [400, 404], message: /not found|route|name/ },
  'path name "victim/.." encoded': {
    method: 'DELETE',
    url: `${M}/default/victim%2F..`,
    status: [400, 404],
    message: /not found|name/,
  },
  'path with invalid percent-encoding': { method: 'GET', url: `${M}/default/%FF`, status: 400, message: /url|encod/i },
  'path name over the parameter limit': {
    method: 'GET',
    url: `${M}/default/${'a'.repeat(1100)}`,
    status: [400, 404, 414],
    message: /long|not found|name/i,
  },
  'path version with NUL': {
    method: 'GET',
    url: `${VICTIM}/versions/1.0.0%00`,
    status: 400,
    message: /control characters/,
  },
  'deployment id with NUL': {
    method: 'GET',
    url: '/api/v1/deployments/%00',
    status: [400, 404],
    message: /not found|id/,
  },
  'deployment of a model named with NUL': {
    method: 'POST',
    url: '/api/v1/deployments',
    payload: { model: 'default/vic\u0000tim', version: '1.0.0', environment: 'prod' },
    status: [400, 404],
    message: /not found|name|model/,
  },

  // Query strings.
  'limit=0': query(`${M}?limit=0`, /limit/),
  'limit=501': query(`${M}?limit=501`, /limit/),
  'limit=abc': query(`${M}?limit=abc`, /limit/),
  'limit=1.5': query(`${M}?limit=1.5`, /limit/),
  'limit=-1 on versions': query(`${VICTIM}/versions?limit=-1`, /limit/),
  'limit=100000 on events': query(`${VICTIM}/events?limit=100000`, /limit/),
  'an unknown query parameter': query(`${M}?colour=red`, /colour/),
  'publicAccess=yes': query(`${M}?publicAccess=yes`, /publicAccess/),
  'q over 200 characters': query(`${M}?q=${'q'.repeat(201)}`, /q/),
  'q with NUL': query(`${M}?q=a%00`, /q/),
  'author filter with NUL': query(`${M}?author=%00`, /author/),
  'tag filter with NUL': query(`${M}?tag=vision%00`, /tag/),
  '11 tag filters': query(`${M}?${Array.from({ length: 11 }, (_, i) => `tag=t${i}`).join('&')}`, /tag/),
  'order=sideways': query(`${VICTIM}/versions?order=sideways`, /order/),
  'an empty stage filter': query(`${VICTIM}/versions?stage=`, /stage/),

  // Cursors: opaque, validated on the way in.
  'cursor of random text': query(`${M}?cursor=${encodeURIComponent('not a cursor!')}`, /cursor/),
  'cursor that decodes to garbage': query(`${M}?cursor=abc`, /cursor/),
  'cursor of the wrong arity': query(`${M}?cursor=${forgeCursor(['x'])}`, /cursor/),
  'cursor of the wrong element types': query(`${M}?cursor=${forgeCursor([1, 'a'])}`, /cursor/),
  'cursor of an object': query(`${M}?cursor=${forgeCursor({ id: 1 })}`, /cursor/),
  'cursor with an unsafe integer': query(`${M}?cursor=${forgeCursor(['x', 1e20])}`, /cursor/),
  'cursor over 512 characters': query(`${M}?cursor=${'a'.repeat(513)}`, /cursor/),
  'a name-sort cursor reused with sort=created': query(
    `${M}?sort=created&cursor=${forgeCursor(['bert-sentiment', 1])}`,
    /cursor/,
  ),
  'a name-sort cursor reused with sort=-updated': query(
    `${M}?sort=-updated&cursor=${forgeCursor(['victim', 1])}`,
    /cursor/,
  ),
  'versions cursor of the wrong shape': query(`${VICTIM}/versions?cursor=${forgeCursor([1])}`, /cursor/),
  'events cursor of the wrong shape': query(`${VICTIM}/events?cursor=${forgeCursor(['x'])}`, /cursor/),
  'deployments cursor of the wrong shape': query(`/api/v1/deployments?cursor=${forgeCursor([1, 2])}`, /cursor/),
  'deployments cursor with a time that is not one': query(
    `/api/v1/deployments?cursor=${forgeCursor(['not-a-date', 'x'])}`,
    /cursor/,
  ),
}

describe.each(dialects)('bad input on %s', (dialect) => {
  let t: TestApp
  /** Everything a bad request could have touched. */
  const snapshot = async () => ({
    models: await getJson(t, `${M}?limit=500`),
    versions: await getJson(t, `${VICTIM}/versions`),
    events: await getJson(t, `${VICTIM}/events?limit=500`),
    deployments: await getJson(t, '/api/v1/deployments?limit=500'),
  })

  beforeAll(async () => {
    t = await openTestApp(dialect)
    expect((await send(t, 'POST', M, exampleModel({ name: 'victim' }))).statusCode).toBe(201)
    await createVersion(t, 'victim', '1.1.0')
  })
  afterAll(async () => {
    await t.close()
  })

  it.each(Object.entries(cases))('%s: a 4xx with a clear message, and nothing changes', async (_name, c) => {
    const before = await snapshot()
    const res = await t.app.inject({
      method: c.method,
      url: c.url,
      ...(c.payload === undefined ? {} : { payload: c.payload as string }),
      ...(c.headers ? { headers: c.headers } : {}),
    })
    const allowed = Array.isArray(c.status) ? c.status : [c.status]
    expect(allowed, res.body).toContain(res.statusCode)
    const error = expectError(res, res.statusCode, codeOf[res.statusCode] ?? 'unexpected status')
    expect(error.message).toMatch(c.message)
    expect(error.message).not.toMatch(/internal|stack|sql|select |insert /i)
    expect(await snapshot()).toEqual(before)
  })
})
