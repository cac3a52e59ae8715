// The Hugging Face read API over inject(), on both dialects: repo ids, revisions, model info, tree, paths-info,
// resolve (headers, Range, counting, offload), list, whoami, and the errors as the Hub's clients read them.
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel,
  createVersion,
  getJson,
  inspectAll,
  modelPath,
  type Reply,
  send,
  type TestApp,
} from '../routes/route-kit.js'
import { bytesOf, putFile, userToken } from './hf-kit.js'

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

function expectHfError(res: Reply, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status)
  if (code) expect(res.headers['x-error-code']).toBe(code)
  expect(String(res.headers['x-error-message'] ?? '')).not.toBe('')
  expect(res.json()).toEqual({ error: expect.any(String) })
}

describe.each(dialects)('Hugging Face read API on %s', (dialect) => {
  let t: TestApp
  let name: string
  const weights = bytesOf(4096, 7)
  const config = Buffer.from('{"hidden_size": 8}\n')
  const hf = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url: `/hf${url}`, headers }) as Promise<Reply>

  beforeAll(async () => {
    t = await openTestApp(dialect, { app: { hf: { treePageSize: 2 } } })
    name = (await createModel(t, { name: uniqueName('hf-read'), framework: 'scikit-learn', taskType: 'regression' }))
      .name
    await putFile(t, name, '1.0.0', 'config.json', config)
    await putFile(t, name, '1.0.0', 'model.safetensors', weights)
    await putFile(t, name, '1.0.0', 'tokenizer/vocab.txt', 'a\nb\n')
    await putFile(t, name, '1.0.0', 'tokenizer/extra/merges.txt', 'x y\n')
    await createVersion(t, name, '1.1.0')
    await putFile(t, name, '1.1.0', 'config.json', '{"hidden_size": 16}\n')
  })
  afterAll(() => t?.close())

  it('serves model info at main: id, 40-hex sha, exactly the version files as siblings, mapped fields', async () => {
    const res = await hf(`/api/models/default/${name}`)
    expect(res.statusCode, res.body).toBe(200)
    const info = res.json()
    expect(info).toMatchObject({
      id: `default/${name}`,
      author: 'default',
      private: false,
      gated: false,
      library_name: 'sklearn',
      pipeline_tag: 'tabular-regression',
      modelreg: { version: '1.1.0' },
    })
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/)
    expect(info.siblings).toEqual([{ rfilename: 'config.json' }])
  })

  it('main is the version in Production when there is one', async () => {
    await inspectAll(t)
    const moved = await send(t, 'POST', `${modelPath(name)}/versions/1.0.0/stage`, { stage: 'production' })
    expect(moved.statusCode, moved.body).toBe(200)
    try {
      expect((await hf(`/api/models/default/${name}/revision/main`)).json().modelreg.version).toBe('1.0.0')
    } finally {
      await send(t, 'POST', `${modelPath(name)}/versions/1.0.0/stage`, { stage: 'development' })
    }
  })

  it('with blobs=True lists sizes, blob ids and LFS details of weight files', async () => {
    const info = (await hf(`/api/models/default/${name}/revision/1.0.0?blobs=True`)).json()
    expect(info.siblings.map((s: { rfilename: string }) => s.rfilename)).toEqual([
      'config.json',
      'model.safetensors',
      'tokenizer/extra/merges.txt',
      'tokenizer/vocab.txt',
    ])
    const weightsEntry = info.siblings.find((s: { rfilename: string }) => s.rfilename === 'model.safetensors')
    expect(weightsEntry).toMatchObject({ size: 4096, lfs: { size: 4096, sha256: sha256(weights) } })
    const configEntry = info.siblings.find((s: { rfilename: string }) => s.rfilename === 'config.json')
    const gitOid = createHash('sha1').update(`blob ${config.length}\0`).update(config).digest('hex')
    expect(configEntry).toEqual({ rfilename: 'config.json', size: config.length, blobId: gitOid })
  })

  it('serves the README front matter as cardData over the version fields; malformed front matter adds nothing', async () => {
    const carded = (await createModel(t, { name: uniqueName('hf-card') })).name
    await createVersion(t, carded, '1.1.0', { license: 'mit', tags: ['from-registry'] })
    await putFile(
      t,
      carded,
      '1.1.0',
      'README.md',
      '---\nlicense: apache-2.0\nlanguage: [en, fr]\ndatasets:\n  - imagenet-1k\n---\n# A card\n',
    )
    await createVersion(t, carded, '1.2.0', { license: 'mit' })
    await putFile(t, carded, '1.2.0', 'README.md', '---\nlicense: [mit\n---\n# Broken front matter\n')
    await createVersion(t, carded, '1.3.0')
    await putFile(t, carded, '1.3.0', 'README.md', '# No front matter\n')
    const card = async (rev: string) => {
      const res = await hf(`/api/models/default/${carded}/revision/${rev}`)
      expect(res.statusCode, res.body).toBe(200)
      return res.json().cardData
    }
    expect(await card('1.1.0')).toEqual({
      license: 'apache-2.0',
      tags: ['from-registry'],
      language: ['en', 'fr'],
      datasets: ['imagenet-1k'],
    })
    expect(await card('1.2.0')).toEqual({ license: 'mit' })
    expect(await card('1.3.0')).toEqual({})
  })

  it('resolves a version, a stage, an alias and the commit id to the same commit; a stale commit id to nothing', async () => {
    const sha = (await hf(`/api/models/default/${name}/revision/1.0.0`)).json().sha
    expect((await send(t, 'PUT', `${modelPath(name)}/aliases/champion`, { version: '1.0.0' })).statusCode).toBe(201)
    for (const rev of ['champion', sha, sha.toUpperCase()]) {
      const res = await hf(`/api/models/default/${name}/revision/${rev}`)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json().sha).toBe(sha)
    }
    expect((await hf(`/api/models/default/${name}/revision/development`)).json().modelreg.version).toBe('1.1.0')
    // Same content, same id: asking twice gives the same sha.
    expect((await hf(`/api/models/default/${name}/revision/1.0.0`)).json().sha).toBe(sha)
    // 1.1.0 is a draft: a new file changes its content, and its old commit id names nothing any more.
    const before = (await hf(`/api/models/default/${name}/revision/1.1.0`)).json().sha
    await putFile(t, name, '1.1.0', 'extra.txt', 'more')
    const after = (await hf(`/api/models/default/${name}/revision/1.1.0`)).json().sha
    expect(after).not.toBe(before)
    expectHfError(await hf(`/api/models/default/${name}/revision/${before}`), 404, 'RevisionNotFound')
    await send(t, 'DELETE', `${modelPath(name)}/versions/1.1.0/artifacts/extra.txt`)
    expect((await hf(`/api/models/default/${name}/revision/1.1.0`)).json().sha).toBe(before)
  })

  it('answers RevisionNotFound for unknown revisions and RepoNotFound for unknown repos', async () => {
    for (const rev of ['9.9.9', 'refs%2Fpr%2F1', 'no-such-alias', 'f'.repeat(40), '%20bad']) {
      expectHfError(await hf(`/api/models/default/${name}/revision/${rev}`), 404, 'RevisionNotFound')
    }
    expectHfError(await hf('/api/models/default/no-such-model'), 404, 'RepoNotFound')
    expectHfError(await hf('/api/models/no-such-org/x'), 404, 'RepoNotFound')
  })

  it('serves a model whose name is not a Hub repo id under its slug', async () => {
    const spaced = (await createModel(t, { name: `XGBoost House Prices ${process.pid}` })).name
    const slug = spaced.replaceAll(' ', '-')
    const info = (await hf(`/api/models/default/${slug}`)).json()
    expect(info.id).toBe(`default/${slug}`)
    expect(info.modelreg.name).toBe(spaced)
    expect((await hf(`/api/models/default/${slug.toLowerCase()}`)).statusCode).toBe(200)
  })

  it('lists the tree: top level, recursive with folders, a sub-folder, oids and lfs, Link paging', async () => {
    const all = async (url: string) => {
      const out: { path: string; type: string; oid: string; lfs?: unknown }[] = []
      let next: string | undefined = url
      while (next) {
        const res = await hf(next.replace(/^http:\/\/[^/]+\/hf/, ''))
        expect(res.statusCode, res.body).toBe(200)
        out.push(...res.json())
        next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1]
        if (next) expect(next).toMatch(/^http:\/\//)
      }
      return out
    }
    const top = await all(`/api/models/default/${name}/tree/1.0.0`)
    expect(top.map((e) => [e.path, e.type])).toEqual([
      ['config.json', 'file'],
      ['model.safetensors', 'file'],
      ['tokenizer', 'directory'],
    ])
    const everything = await all(`/api/models/default/${name}/tree/1.0.0?recursive=True&expand=True`)
    expect(everything.map((e) => e.path)).toEqual([
      'config.json',
      'model.safetensors',
      'tokenizer',
      'tokenizer/extra',
      'tokenizer/extra/merges.txt',
      'tokenizer/vocab.txt',
    ])
    for (const e of everything) expect(e.oid).toMatch(/^[0-9a-f]{40}$/)
    expect(everything.find((e) => e.path === 'model.safetensors')).toMatchObject({
      size: 4096,
      lfs: { oid: sha256(weights), size: 4096, pointerSize: expect.any(Number) },
      lastCommit: { id: expect.stringMatching(/^[0-9a-f]{40}$/) },
    })
    expect(everything.find((e) => e.path === 'config.json')?.lfs).toBeUndefined()
    const sub = await all(`/api/models/default/${name}/tree/1.0.0/tokenizer`)
    expect(sub.map((e) => e.path)).toEqual(['tokenizer/extra', 'tokenizer/vocab.txt'])
    const encoded = await all(`/api/models/default/${name}/tree/1.0.0/tokenizer%2Fextra`)
    expect(encoded.map((e) => e.path)).toEqual(['tokenizer/extra/merges.txt'])
    expectHfError(await hf(`/api/models/default/${name}/tree/1.0.0/nothing-here`), 404, 'EntryNotFound')
  })

  it('answers paths-info from a form (Python) and from JSON (JavaScript)', async () => {
    const form = await t.app.inject({
      method: 'POST',
      url: `/hf/api/models/default/${name}/paths-info/1.0.0`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'paths=config.json&paths=tokenizer&paths=missing.txt&expand=True',
    })
    expect(form.statusCode, form.body).toBe(200)
    expect(form.json().map((e: { path: string; type: string }) => [e.path, e.type])).toEqual([
      ['config.json', 'file'],
      ['tokenizer', 'directory'],
    ])
    expect(form.json()[0].lastCommit.id).toMatch(/^[0-9a-f]{40}$/)
    const json = await t.app.inject({
      method: 'POST',
      url: `/hf/api/models/default/${name}/paths-info/1.0.0`,
      payload: { paths: ['model.safetensors'], expand: true },
    })
    expect(json.json()).toEqual([expect.objectContaining({ path: 'model.safetensors', lfs: expect.any(Object) })])
  })

  it('resolves files: HEAD with the true length and the Hub headers, GET whole and ranged, counted once', async () => {
    const url = `/hf/default/${name}/resolve/1.0.0/model.safetensors`
    const sha = (await hf(`/api/models/default/${name}/revision/1.0.0`)).json().sha
    const head = await t.app.inject({ method: 'HEAD', url })
    expect(head.statusCode).toBe(200)
    expect(head.headers).toMatchObject({
      'content-length': '4096',
      'x-repo-commit': sha,
      'x-linked-size': '4096',
      'x-linked-etag': `"${sha256(weights)}"`,
      etag: `"${sha256(weights)}"`,
      'accept-ranges': 'bytes',
    })
    expect(Object.keys(head.headers).filter((h) => h.startsWith('x-xet'))).toEqual([])
    const probe = await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=0-0' } })
    expect(probe.statusCode).toBe(206)
    expect(probe.headers['content-range']).toBe('bytes 0-0/4096')
    const whole = await t.app.inject({ method: 'GET', url: `/hf/default/${name}/resolve/${sha}/model.safetensors` })
    expect(whole.statusCode).toBe(200)
    expect(whole.rawPayload.equals(weights)).toBe(true)
    const resumed = await t.app.inject({ method: 'GET', url, headers: { range: 'bytes=100-' } })
    expect(resumed.rawPayload.equals(weights.subarray(100))).toBe(true)
    // The probe and the whole GET read from byte 0: two downloads; HEAD and the resumed GET are not.
    const files = (await getJson(t, `${modelPath(name)}/versions/1.0.0/artifacts`)).items
    expect(files.find((f: { path: string }) => f.path === 'model.safetensors').downloadCount).toBe(2)
    const raw = await t.app.inject({ method: 'HEAD', url: `/hf/default/${name}/raw/main/config.json` })
    expect(raw.statusCode).toBe(200)
    const nested = await t.app.inject({ method: 'GET', url: `/hf/default/${name}/resolve/1.0.0/tokenizer%2Fvocab.txt` })
    expect(nested.body).toBe('a\nb\n')
  })

  it('answers EntryNotFound with the commit for a missing file, and never a 500 for a bad path', async () => {
    const res = await t.app.inject({ method: 'HEAD', url: `/hf/default/${name}/resolve/1.0.0/generation_config.json` })
    expect(res.statusCode).toBe(404)
    expect(res.headers['x-error-code']).toBe('EntryNotFound')
    expect(res.headers['x-repo-commit']).toMatch(/^[0-9a-f]{40}$/)
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'a%00b', '%2Fabs']) {
      const r = await t.app.inject({ method: 'GET', url: `/hf/default/${name}/resolve/1.0.0/${bad}` })
      expect(r.statusCode, bad).toBeGreaterThanOrEqual(400)
      expect(r.statusCode, bad).toBeLessThan(500)
    }
  })

  it('lists models with search, author, limit and Link paging', async () => {
    const prefix = uniqueName('hf-list')
    for (let i = 0; i < 3; i++) await createModel(t, { name: `${prefix}-${i}` })
    const ids: string[] = []
    let next: string | undefined = `/api/models?search=${prefix}&author=default&limit=2`
    while (next) {
      const res = await hf(next.replace(/^http:\/\/[^/]+\/hf/, ''))
      expect(res.statusCode, res.body).toBe(200)
      ids.push(...res.json().map((m: { id: string }) => m.id))
      next = /<([^>]+)>; rel="next"/.exec(String(res.headers.link ?? ''))?.[1]
    }
    expect(ids.sort()).toEqual([0, 1, 2].map((i) => `default/${prefix}-${i}`))
  })

  it('knows callers by plain and hf_-prefixed tokens; hides private models as RepoNotFound; whoami has auth', async () => {
    const outsiderToken = await userToken(t, `outsider${dialect}`, { org: 'default', role: 'member', scope: 'read' })
    const secret = (await createModel(t, { name: uniqueName('hf-private'), publicAccess: false })).name
    await putFile(t, secret, '1.0.0', 'config.json', '{}')
    for (const token of [outsiderToken, `hf_${outsiderToken}`]) {
      const who = await hf('/api/whoami-v2', { authorization: `Bearer ${token}` })
      expect(who.statusCode, who.body).toBe(200)
      expect(who.json()).toMatchObject({
        name: `outsider${dialect}`,
        auth: { type: 'access_token', accessToken: { role: 'read' } },
      })
      expectHfError(
        await hf(`/api/models/default/${secret}`, { authorization: `Bearer ${token}` }),
        404,
        'RepoNotFound',
      )
      const file = await t.app.inject({
        method: 'HEAD',
        url: `/hf/default/${secret}/resolve/main/config.json`,
        headers: { authorization: `Bearer ${token}` },
      })
      expect([file.statusCode, file.headers['x-error-code']]).toEqual([404, 'RepoNotFound'])
    }
    // The owner sees it, and it says private.
    expect((await hf(`/api/models/default/${secret}`)).json().private).toBe(true)
    expectHfError(await hf(`/api/models/default/${secret}`, { authorization: '' }), 401, 'RepoNotFound')
    expectHfError(await hf(`/api/models/default/${name}`, { authorization: '' }), 401, 'RepoNotFound')
    const bad = await hf(`/api/models/default/${name}`, { authorization: 'Bearer hf_nope' })
    expect(bad.statusCode).toBe(401)
    expect(bad.headers['x-error-message']).toBe('Invalid credentials in Authorization header')
    // A read token may still ask paths-info (a POST that only reads).
    const info = await t.app.inject({
      method: 'POST',
      url: `/hf/api/models/default/${name}/paths-info/main`,
      headers: { authorization: `Bearer hf_${outsiderToken}` },
      payload: { paths: ['config.json'] },
    })
    expect(info.statusCode, info.body).toBe(200)
  })
})

describe('Hugging Face resolve with download offload', () => {
  it('hands a GET to nginx (X-Accel-Redirect) with the Hub headers; HEAD is answered here', async () => {
    const t = await openTestApp('sqlite', {
      downloads: { mode: 'x-accel', presignTtlSeconds: 60, accelPrefix: '/_blobs/' },
    })
    try {
      const name = (await createModel(t, { name: uniqueName('hf-offload') })).name
      await putFile(t, name, '1.0.0', 'model.bin', bytesOf(100))
      const get = await t.app.inject({ method: 'GET', url: `/hf/default/${name}/resolve/main/model.bin` })
      expect(get.statusCode).toBe(200)
      expect(get.headers['x-accel-redirect']).toMatch(/^\/_blobs\//)
      expect(get.headers['x-repo-commit']).toMatch(/^[0-9a-f]{40}$/)
      const head = await t.app.inject({ method: 'HEAD', url: `/hf/default/${name}/resolve/main/model.bin` })
      expect([head.statusCode, head.headers['content-length'], head.headers['x-accel-redirect']]).toEqual([
        200,
        '100',
        undefined,
      ])
    } finally {
      await t.close()
    }
  })
})
