// The Hugging Face write API over inject(), on both dialects: repos/create, preupload, LFS batch and signed PUT,
// ndjson commits (incremental, next patch, stale parent, atomic) and every bad input refused with nothing changed.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import { getJson, inspectAll, modelPath, type Reply, type TestApp } from '../routes/route-kit.js'
import { bytesOf, userToken } from './hf-kit.js'

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const ndjson = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')
const header = (value: object = { summary: 'a commit' }) => ({ key: 'header', value })
const file = (path: string, text: string) => ({
  key: 'file',
  value: { path, content: Buffer.from(text).toString('base64'), encoding: 'base64' },
})

describe.each(dialects)('Hugging Face write API on %s', (dialect) => {
  let t: TestApp
  const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
    t.app.inject({
      method: 'POST',
      url: `/hf${url}`,
      payload,
      headers: typeof payload === 'string' ? { 'content-type': 'application/x-ndjson', ...headers } : headers,
    }) as Promise<Reply>
  const info = async (repo: string, rev = 'main') =>
    (await t.app.inject({ url: `/hf/api/models/${repo}/revision/${rev}` })).json()
  const versionsOf = async (name: string) =>
    (await getJson(t, `${modelPath(name)}/versions?limit=100`)).items.map((v: { version: string }) => v.version).sort()
  const filesOf = async (name: string, version: string) =>
    Object.fromEntries(
      (await getJson(t, `${modelPath(name)}/versions/${version}/artifacts`)).items.map(
        (a: { path: string; sha256: string }) => [a.path, a.sha256],
      ),
    )

  async function newRepo(): Promise<{ name: string; repo: string }> {
    const name = uniqueName('hf-write')
    const res = await post('/api/repos/create', { name, organization: 'default', type: 'model' })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json().url).toBe(`http://localhost:80/hf/models/default/${name}`)
    return { name, repo: `default/${name}` }
  }

  async function uploadLfs(repo: string, bytes: Buffer): Promise<string> {
    const oid = sha256(bytes)
    const batch = await t.app.inject({
      method: 'POST',
      url: `/hf/${repo}.git/info/lfs/objects/batch`,
      headers: { 'content-type': 'application/vnd.git-lfs+json', accept: 'application/vnd.git-lfs+json' },
      payload: JSON.stringify({
        operation: 'upload',
        transfers: ['basic', 'xet'],
        objects: [{ oid, size: bytes.length }],
      }),
    })
    expect(batch.statusCode, batch.body).toBe(200)
    expect(batch.json().transfer).toBe('basic')
    const href = batch.json().objects[0].actions?.upload?.href as string | undefined
    if (href) {
      const put = await t.app.inject({
        method: 'PUT',
        url: href.replace(/^http:\/\/[^/]+/, ''),
        payload: bytes,
        headers: { authorization: '' },
      })
      expect(put.statusCode, put.body).toBe(200)
    }
    return oid
  }

  beforeAll(async () => {
    t = await openTestApp(dialect)
  })
  afterAll(() => t?.close())

  it('creates a repo (409 the second time); the first commit fills its empty version, the next makes a patch', async () => {
    const { name, repo } = await newRepo()
    expect((await post('/api/repos/create', { name, organization: 'default' })).statusCode).toBe(409)
    const empty = await info(repo)
    expect(empty.siblings).toEqual([])
    const weights = bytesOf(2000, 5)
    const oid = await uploadLfs(repo, weights)
    const first = await post(
      `/api/models/${repo}/commit/main`,
      ndjson(
        header({ summary: 'first files', description: 'from a test', parentCommit: empty.sha }),
        file('config.json', '{"a":1}'),
        { key: 'lfsFile', value: { path: 'model.safetensors', algo: 'sha256', oid, size: weights.length } },
      ),
    )
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toMatchObject({ success: true, commitOid: expect.stringMatching(/^[0-9a-f]{40}$/) })
    expect(first.json().commitUrl).toBe(`http://localhost:80/hf/models/${repo}/commit/${first.json().commitOid}`)
    expect(await versionsOf(name)).toEqual(['1.0.0'])
    expect(await filesOf(name, '1.0.0')).toEqual({
      'config.json': sha256(Buffer.from('{"a":1}')),
      'model.safetensors': oid,
    })
    expect((await info(repo)).sha).toBe(first.json().commitOid)
    // Incremental: the next commit keeps model.safetensors, replaces config.json, adds and then deletes nothing else.
    const second = await post(
      `/api/models/${repo}/commit/main`,
      ndjson(header({ summary: 'tune config' }), file('config.json', '{"a":2}')),
    )
    expect(second.statusCode, second.body).toBe(200)
    expect(await versionsOf(name)).toEqual(['1.0.0', '1.0.1'])
    expect(await filesOf(name, '1.0.1')).toEqual({
      'config.json': sha256(Buffer.from('{"a":2}')),
      'model.safetensors': oid,
    })
    const v101 = await getJson(t, `${modelPath(name)}/versions/1.0.1`)
    expect(v101.description).toBe('tune config')
    const third = await post(
      `/api/models/${repo}/commit/2.0.0`,
      ndjson(header(), { key: 'deletedFile', value: { path: 'config.json' } }),
    )
    expect(third.statusCode, third.body).toBe(200)
    expect(await filesOf(name, '2.0.0')).toEqual({ 'model.safetensors': oid })
    expect((await info(repo, '1.0.1')).siblings.map((s: { rfilename: string }) => s.rfilename)).toEqual([
      'config.json',
      'model.safetensors',
    ])
  })

  it('queues the files a commit brings for inspection, like an upload through the native API', async () => {
    const { name, repo } = await newRepo()
    // A pickle that calls os.system on load: GLOBAL os system, a string, TUPLE1, REDUCE, STOP.
    const evil = Buffer.concat([Buffer.from("cos\nsystem\n(S'echo owned'\ntR.", 'latin1')])
    const oid = await uploadLfs(repo, evil)
    const commit = await post(
      `/api/models/${repo}/commit/main`,
      ndjson(header(), { key: 'lfsFile', value: { path: 'model.pkl', algo: 'sha256', oid, size: evil.length } }),
    )
    expect(commit.statusCode, commit.body).toBe(200)
    await inspectAll(t)
    const report = await getJson(t, `${modelPath(name)}/versions/1.0.0/inspection`)
    expect(report).toMatchObject({ status: 'done', verdict: 'dangerous' })
  })

  it('refuses a stale parentCommit with 412 and creates nothing', async () => {
    const { name, repo } = await newRepo()
    const old = (await info(repo)).sha
    expect((await post(`/api/models/${repo}/commit/main`, ndjson(header(), file('a.txt', 'a')))).statusCode).toBe(200)
    const stale = await post(
      `/api/models/${repo}/commit/main`,
      ndjson(header({ summary: 's', parentCommit: old }), file('b.txt', 'b')),
    )
    expect(stale.statusCode, stale.body).toBe(412)
    expect(await versionsOf(name)).toEqual(['1.0.0'])
  })

  it('answers preupload with lfs for weights and large files, regular otherwise, and shouldIgnore', async () => {
    const { repo } = await newRepo()
    const res = await post(`/api/models/${repo}/preupload/main`, {
      files: [
        { path: 'config.json', size: 10, sample: '' },
        { path: 'model.onnx', size: 10, sample: '' },
        { path: 'big.txt', size: 5 * 1024 * 1024, sample: '' },
      ],
    })
    expect(res.json().files).toEqual([
      { path: 'config.json', uploadMode: 'regular', shouldIgnore: false },
      { path: 'model.onnx', uploadMode: 'lfs', shouldIgnore: false },
      { path: 'big.txt', uploadMode: 'lfs', shouldIgnore: false },
    ])
  })

  it('refuses LFS bytes that do not hash to their oid, a tampered or foreign upload URL', async () => {
    const { repo } = await newRepo()
    const bytes = bytesOf(1000, 9)
    const batch = await t.app.inject({
      method: 'POST',
      url: `/hf/${repo}.git/info/lfs/objects/batch`,
      headers: { 'content-type': 'application/vnd.git-lfs+json' },
      payload: JSON.stringify({ operation: 'upload', objects: [{ oid: sha256(bytes), size: 1000 }] }),
    })
    const href = String(batch.json().objects[0].actions.upload.href).replace(/^http:\/\/[^/]+/, '')
    const wrong = await t.app.inject({
      method: 'PUT',
      url: href,
      payload: bytesOf(1000, 10),
      headers: { authorization: '' },
    })
    expect(wrong.statusCode, wrong.body).toBe(400)
    const short = await t.app.inject({
      method: 'PUT',
      url: href,
      payload: bytes.subarray(0, 10),
      headers: { authorization: '' },
    })
    expect(short.statusCode).toBe(400)
    const tampered = await t.app.inject({
      method: 'PUT',
      url: `${href.slice(0, -3)}abc`,
      payload: bytes,
      headers: { authorization: '' },
    })
    expect(tampered.statusCode).toBe(403)
    expect(await t.leftovers()).toEqual([])
    // Never uploaded: a commit naming it is refused.
    const commit = await post(
      `/api/models/${repo}/commit/main`,
      ndjson(header(), { key: 'lfsFile', value: { path: 'w.bin', algo: 'sha256', oid: sha256(bytes), size: 1000 } }),
    )
    expect(commit.statusCode, commit.body).toBe(400)
  })

  it('refuses bad commits with a clear 4xx and changes nothing', async () => {
    const { name, repo } = await newRepo()
    const before = (await info(repo)).sha
    const bad: [string, string][] = [
      ['not json', `${JSON.stringify(header())}\n{nope`],
      ['no header first', ndjson(file('a.txt', 'a'), header())],
      ['unknown operation key', ndjson(header(), { key: 'rename', value: { path: 'a' } })],
      [
        'unknown field',
        ndjson(header(), { key: 'file', value: { path: 'a', content: '', encoding: 'base64', mode: 1 } }),
      ],
      ['bad base64', ndjson(header(), { key: 'file', value: { path: 'a', content: '!!!', encoding: 'base64' } })],
      ['dot-dot path', ndjson(header(), file('../etc/passwd', 'x'))],
      ['absolute path', ndjson(header(), file('/etc/passwd', 'x'))],
      ['NUL in path', ndjson(header(), file('a\u0000b', 'x'))],
      ['same path twice', ndjson(header(), file('a', 'x'), file('a', 'y'))],
      ['bad parent', ndjson(header({ summary: 's', parentCommit: 'xyz' }), file('a', 'x'))],
      ['nothing to do', ndjson(header())],
      ['bad oid', ndjson(header(), { key: 'lfsFile', value: { path: 'w', algo: 'sha256', oid: 'abc', size: 1 } })],
      ['existing version', ndjson(header({ summary: 's', version: '1.0.0' }), file('a', 'x'))],
    ]
    for (const [why, body] of bad) {
      const res = await post(`/api/models/${repo}/commit/main`, body)
      expect(res.statusCode, `${why}: ${res.body}`).toBeGreaterThanOrEqual(400)
      expect(res.statusCode, `${why}: ${res.body}`).toBeLessThan(500)
      expect(res.json().error, why).toEqual(expect.any(String))
    }
    const missing = await post(
      `/api/models/${repo}/commit/main`,
      ndjson(header(), { key: 'deletedFile', value: { path: 'nope' } }),
    )
    expect([missing.statusCode, missing.headers['x-error-code']]).toEqual([404, 'EntryNotFound'])
    const oversized = await post(
      `/api/models/${repo}/commit/main`,
      `${JSON.stringify(header())}\n${'x'.repeat(65 * 1024 * 1024)}`,
    )
    expect(oversized.statusCode).toBe(413)
    expect(await versionsOf(name)).toEqual(['1.0.0'])
    expect((await info(repo)).sha).toBe(before)
    expect(await t.leftovers()).toEqual([])
  })

  it('refuses a read token and a member who cannot write the model', async () => {
    const { repo } = await newRepo()
    const read = await userToken(t, `hfread${dialect}`, { scope: 'read' })
    const res = await post(`/api/models/${repo}/commit/main`, ndjson(header(), file('a', 'x')), {
      authorization: `Bearer hf_${read}`,
    })
    expect(res.statusCode).toBe(403)
    const member = await userToken(t, `hfmember${dialect}`, { scope: 'write' })
    const other = await post(`/api/models/${repo}/commit/main`, ndjson(header(), file('a', 'x')), {
      authorization: `Bearer ${member}`,
    })
    expect(other.statusCode).toBe(403)
  })
})
