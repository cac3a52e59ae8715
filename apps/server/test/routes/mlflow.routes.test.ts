// MLflow's registry and tracking RPCs over inject(), on both dialects: wire shapes, the mapping rules and every
// error code the layer answers, in MLflow's {error_code, message} shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  createModel,
  createVersion,
  getJson,
  type Reply,
  send,
  startDeployment,
  type TestApp,
  versionPath,
} from './route-kit.js'

const api = '/api/2.0/mlflow'

function expectMlflowError(res: Reply, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status)
  const body = res.json()
  expect(body).toEqual({ error_code: code, message: expect.any(String) })
  return body.message as string
}

describe.each(dialects)('MLflow API on %s', (dialect) => {
  let t: TestApp
  const headers = new Map<string, Record<string, string>>()
  beforeAll(async () => {
    t = await openTestApp(dialect)
    expect((await send(t, 'POST', '/api/v1/orgs', { name: 'other' })).statusCode).toBe(201)
    for (const [username, org, role, scope] of [
      ['mina', 'default', 'member', 'write'],
      ['rita', 'default', 'member', 'read'],
      ['otto', 'other', 'member', 'write'],
    ] as const) {
      await send(t, 'POST', '/api/v1/users', { username, password: `${username}-password` })
      await t.app.inject({ method: 'PUT', url: `/api/v1/orgs/${org}/members/${username}`, payload: { role } })
      const user = await t.store.pool.users.findByUsername(username)
      const { token } = await t.services.auth.createToken(
        { ...t.admin, userId: user?.id ?? '', username, siteAdmin: false },
        { name: 't', scope },
      )
      headers.set(username, { authorization: `Bearer ${token}` })
      headers.set(`${username}:basic`, {
        authorization: `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}`,
      })
    }
  })
  afterAll(async () => {
    await t.close()
  })

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object, who?: string) => {
    const url = `${api}/${path}`
    if (method === 'GET' && payload) {
      const qs = new URLSearchParams()
      for (const [k, v] of Object.entries(payload)) for (const x of [v].flat()) qs.append(k, String(x))
      return t.app.inject({
        method,
        url: `${url}?${qs}`,
        headers: who ? headers.get(who) : undefined,
      }) as Promise<Reply>
    }
    return t.app.inject({
      method,
      url,
      headers: who ? headers.get(who) : undefined,
      ...(payload && { payload }),
    }) as Promise<Reply>
  }
  const ok = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object, who?: string) => {
    const res = await call(method, path, payload, who)
    expect(res.statusCode, res.body).toBe(200)
    return res.json()
  }

  it('creates, gets, updates, tags, renames and deletes a registered model', async () => {
    const name = uniqueName()
    const created = await ok('POST', 'registered-models/create', {
      name,
      description: 'first',
      tags: [{ key: 'team', value: 'vision' }],
      some_future_field: 1,
    })
    expect(created.registered_model).toMatchObject({
      name,
      description: 'first',
      tags: [{ key: 'team', value: 'vision' }],
      latest_versions: [],
      aliases: [],
      user_id: 'admin',
    })
    expect(typeof created.registered_model.creation_timestamp).toBe('number')
    expect((await ok('GET', 'registered-models/get', { name })).registered_model.name).toBe(name)
    await ok('PATCH', 'registered-models/update', { name, description: 'second' })
    await ok('POST', 'registered-models/set-tag', { name, key: 'stage', value: 'beta' })
    await ok('DELETE', 'registered-models/delete-tag', { name, key: 'team' })
    const got = (await ok('GET', 'registered-models/get', { name })).registered_model
    expect(got).toMatchObject({ description: 'second', tags: [{ key: 'stage', value: 'beta' }] })
    const renamed = `${name}-renamed`
    expect((await ok('POST', 'registered-models/rename', { name, new_name: renamed })).registered_model.name).toBe(
      renamed,
    )
    expectMlflowError(await call('GET', 'registered-models/get', { name }), 404, 'RESOURCE_DOES_NOT_EXIST')
    // The native API sees the same model under its new name.
    expect((await getJson(t, `/api/v1/models/default/${encodeURIComponent(renamed)}`)).name).toBe(renamed)
    expect(await ok('DELETE', 'registered-models/delete', { name: renamed })).toEqual({})
    expectMlflowError(await call('GET', 'registered-models/get', { name: renamed }), 404, 'RESOURCE_DOES_NOT_EXIST')
  })

  it('shows what MLflow set (description, model and version tags) through the native key-tags view', async () => {
    const name = uniqueName()
    await ok('POST', 'registered-models/create', {
      name,
      description: 'from MLflow',
      tags: [{ key: 'team', value: 'nlp' }],
    })
    await ok('POST', 'registered-models/set-tag', { name, key: 'owner', value: 'mina' })
    await ok('POST', 'model-versions/create', { name, source: 's3://bucket/a' })
    await ok('POST', 'model-versions/create', { name, source: 's3://bucket/b' })
    await ok('POST', 'model-versions/create', { name, source: 's3://bucket/c' })
    await ok('POST', 'model-versions/set-tag', { name, version: '1', key: 'dataset', value: 'v1' })
    await ok('POST', 'model-versions/set-tag', { name, version: '3', key: 'validated', value: 'true' })
    await ok('POST', 'model-versions/set-tag', { name, version: '3', key: 'commit', value: 'abc' })
    const path = `/api/v1/models/default/${encodeURIComponent(name)}/key-tags`
    expect(await getJson(t, path)).toEqual({
      description: 'from MLflow',
      tags: [
        { key: 'owner', value: 'mina' },
        { key: 'team', value: 'nlp' },
      ],
      versions: [
        {
          version: '1.2.0',
          tags: [
            { key: 'commit', value: 'abc' },
            { key: 'validated', value: 'true' },
          ],
        },
        { version: '1.0.0', tags: [{ key: 'dataset', value: 'v1' }] },
      ],
    })
    // Another organisation's member does not see the private model.
    const hidden = await t.app.inject({ method: 'GET', url: path, headers: headers.get('otto') })
    expect(hidden.statusCode).toBe(404)
  })

  it('answers a taken name with RESOURCE_ALREADY_EXISTS (400) on create and rename', async () => {
    const a = uniqueName()
    const b = uniqueName()
    await ok('POST', 'registered-models/create', { name: a })
    await ok('POST', 'registered-models/create', { name: b })
    expectMlflowError(await call('POST', 'registered-models/create', { name: a }), 400, 'RESOURCE_ALREADY_EXISTS')
    expectMlflowError(
      await call('POST', 'registered-models/rename', { name: a, new_name: b }),
      400,
      'RESOURCE_ALREADY_EXISTS',
    )
  })

  it('numbers versions 1, 2, 3 in creation order, never reusing a number, as 1.0.0 then the next minor of the latest', async () => {
    const name = uniqueName()
    await ok('POST', 'registered-models/create', { name })
    const v1 = (await ok('POST', 'model-versions/create', { name, source: 's3://bucket/m1', description: 'd1' }))
      .model_version
    expect(v1).toMatchObject({ name, version: '1', current_stage: 'None', status: 'READY', source: 's3://bucket/m1' })
    const v2 = (await ok('POST', 'model-versions/create', { name, source: 's3://bucket/m2' })).model_version
    expect(v2.version).toBe('2')
    await ok('DELETE', 'model-versions/delete', { name, version: '2' })
    const v3 = (await ok('POST', 'model-versions/create', { name, source: 's3://bucket/m3' })).model_version
    expect(v3.version).toBe('3')
    const native = await getJson(t, `/api/v1/models/default/${encodeURIComponent(name)}/versions`)
    expect(native.items.map((v: { version: string }) => v.version)).toEqual(['1.1.0', '1.0.0'])
    // A native version gets the next number too.
    await createVersion(t, name, '2.0.0')
    expect((await ok('GET', 'model-versions/get', { name, version: '4' })).model_version.source).toBe(
      `models:/${name}/4`,
    )
    expectMlflowError(await call('GET', 'model-versions/get', { name, version: '2' }), 404, 'RESOURCE_DOES_NOT_EXIST')
    expectMlflowError(await call('GET', 'model-versions/get', { name, version: 'x' }), 400, 'INVALID_PARAMETER_VALUE')
    await ok('PATCH', 'model-versions/update', { name, version: '1', description: 'changed' })
    expect((await getJson(t, versionPath(name, '1.0.0'))).description).toBe('changed')
    await ok('POST', 'model-versions/set-tag', { name, version: '1', key: 'k', value: 'v' })
    expect((await ok('GET', 'model-versions/get', { name, version: '1' })).model_version.tags).toEqual([
      { key: 'k', value: 'v' },
    ])
    await ok('DELETE', 'model-versions/delete-tag', { name, version: '1', key: 'k' })
    expect((await ok('GET', 'model-versions/get', { name, version: '1' })).model_version.tags).toEqual([])
    expect((await ok('GET', 'model-versions/get-download-uri', { name, version: '1' })).artifact_uri).toBe(
      `mlflow-artifacts:/models/${name}/1`,
    )
  })

  it('maps stages through the native lifecycle, archiving the other holders when asked', async () => {
    const name = uniqueName()
    await ok('POST', 'registered-models/create', { name })
    for (let i = 0; i < 3; i++) await ok('POST', 'model-versions/create', { name, source: `s3://b/${i}` })
    const move = (version: string, stage: string, archive = false) =>
      call('POST', 'model-versions/transition-stage', { name, version, stage, archive_existing_versions: archive })
    expect((await move('1', 'production')).json().model_version.current_stage).toBe('Production')
    expect((await move('2', 'Staging')).json().model_version.current_stage).toBe('Staging')
    const third = await move('3', 'Production', true)
    expect(third.json().model_version.current_stage).toBe('Production')
    expect((await ok('GET', 'model-versions/get', { name, version: '1' })).model_version.current_stage).toBe('Archived')
    expect((await ok('GET', 'model-versions/get', { name, version: '2' })).model_version.current_stage).toBe('Staging')
    // The same history the native API keeps.
    const history = await getJson(t, `${versionPath(name, '1.0.0')}/stages`)
    expect(history.items.map((h: { to: string }) => h.to)).toEqual(expect.arrayContaining(['production', 'archived']))
    const latest = await ok('POST', 'registered-models/get-latest-versions', { name, stages: ['Production'] })
    expect(latest.model_versions.map((v: { version: string }) => v.version)).toEqual(['3'])
    const all = await ok('GET', 'registered-models/get-latest-versions', { name })
    expect(all.model_versions.map((v: { current_stage: string }) => v.current_stage).sort()).toEqual([
      'Archived',
      'Production',
      'Staging',
    ])
    expectMlflowError(await move('1', 'Released'), 400, 'INVALID_PARAMETER_VALUE')
    expectMlflowError(await move('1', 'None', true), 400, 'INVALID_PARAMETER_VALUE')
  })

  it('sets, reads and deletes aliases in the native alias store; deleting a version takes its aliases', async () => {
    const name = uniqueName()
    await ok('POST', 'registered-models/create', { name })
    await ok('POST', 'model-versions/create', { name, source: 's3://b/1' })
    await ok('POST', 'model-versions/create', { name, source: 's3://b/2' })
    await ok('POST', 'registered-models/alias', { name, alias: 'champion', version: '2' })
    expect((await ok('GET', 'registered-models/alias', { name, alias: 'champion' })).model_version).toMatchObject({
      version: '2',
      aliases: ['champion'],
    })
    expect((await ok('GET', 'registered-models/get', { name })).registered_model.aliases).toEqual([
      { alias: 'champion', version: '2' },
    ])
    expect((await getJson(t, `/api/v1/models/default/${encodeURIComponent(name)}/aliases`)).items[0]).toMatchObject({
      name: 'champion',
      version: '1.1.0',
    })
    expectMlflowError(
      await call('POST', 'registered-models/alias', { name, alias: 'latest', version: '1' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('POST', 'registered-models/alias', { name, alias: 'v3', version: '1' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('GET', 'registered-models/alias', { name, alias: 'nope' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    )
    await ok('POST', 'registered-models/alias', { name, alias: 'backup', version: '1' })
    await ok('DELETE', 'registered-models/alias', { name, alias: 'backup' })
    await ok('DELETE', 'model-versions/delete', { name, version: '2' })
    expectMlflowError(
      await call('GET', 'registered-models/alias', { name, alias: 'champion' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    )
  })

  it('refuses to delete a deployed version or model with a 4xx that says it is deployed', async () => {
    const model = await createModel(t)
    await startDeployment(t, model.name)
    const res = await call('DELETE', 'model-versions/delete', { name: model.name, version: '1' })
    expect(expectMlflowError(res, 409, 'RESOURCE_CONFLICT')).toMatch(/deployed/)
    const whole = await call('DELETE', 'registered-models/delete', { name: model.name })
    expect(expectMlflowError(whole, 409, 'RESOURCE_CONFLICT')).toMatch(/deployed/)
    expect((await ok('GET', 'model-versions/get', { name: model.name, version: '1' })).model_version.version).toBe('1')
  })

  it('searches by name (=, !=, LIKE case-sensitive, ILIKE) and tags, ordered and paged', async () => {
    const stem = `srch${Math.random().toString(36).slice(2, 8)}`
    for (const [suffix, team] of [
      ['Alpha', 'a'],
      ['beta', 'b'],
      ['gamma', 'a'],
    ]) {
      await ok('POST', 'registered-models/create', { name: `${stem}-${suffix}`, tags: [{ key: 'team', value: team }] })
    }
    const names = async (filter: string, extra: object = {}) =>
      (await ok('GET', 'registered-models/search', { filter, ...extra })).registered_models?.map(
        (m: { name: string }) => m.name,
      ) ?? []
    expect(await names(`name LIKE '${stem}-%'`)).toEqual([`${stem}-Alpha`, `${stem}-beta`, `${stem}-gamma`])
    expect(await names(`name LIKE '${stem}-a%'`)).toEqual([])
    expect(await names(`name ILIKE '${stem}-a%'`)).toEqual([`${stem}-Alpha`])
    expect(await names(`name = '${stem}-beta'`)).toEqual([`${stem}-beta`])
    expect(await names(`name LIKE '${stem}%' AND name != '${stem}-beta'`)).toEqual([`${stem}-Alpha`, `${stem}-gamma`])
    expect(await names(`name LIKE '${stem}%' AND tags.team = 'a'`)).toEqual([`${stem}-Alpha`, `${stem}-gamma`])
    expect(await names(`name LIKE '${stem}%' AND tag.\`team\` LIKE 'b%'`)).toEqual([`${stem}-beta`])
    expect(await names(`name LIKE '${stem}%' AND tags.\`mlflow.prompt.is_prompt\` != 'true'`)).toHaveLength(3)
    expect(await names(`name LIKE '${stem}%'`, { order_by: 'name DESC' })).toEqual([
      `${stem}-gamma`,
      `${stem}-beta`,
      `${stem}-Alpha`,
    ])
    const first = await ok('GET', 'registered-models/search', { filter: `name LIKE '${stem}%'`, max_results: 2 })
    expect(first.registered_models).toHaveLength(2)
    const second = await ok('GET', 'registered-models/search', {
      filter: `name LIKE '${stem}%'`,
      max_results: 2,
      page_token: first.next_page_token,
    })
    expect(second.registered_models.map((m: { name: string }) => m.name)).toEqual([`${stem}-gamma`])
    expect(second.next_page_token).toBeUndefined()
    // Versions by name, run_id IN and version_number.
    await ok('POST', 'model-versions/create', { name: `${stem}-beta`, source: 's3://x/1' })
    await ok('POST', 'model-versions/create', { name: `${stem}-beta`, source: 's3://x/2' })
    const versions = await ok('GET', 'model-versions/search', {
      filter: `name = '${stem}-beta' AND version_number > 1`,
    })
    expect(versions.model_versions.map((v: { version: string }) => v.version)).toEqual(['2'])
    const bySource = await ok('GET', 'model-versions/search', { filter: `source_path = 's3://x/1'` })
    expect(bySource.model_versions.map((v: { name: string }) => v.name)).toContain(`${stem}-beta`)
    expect(await ok('GET', 'model-versions/search', { filter: `run_id IN ('${'a'.repeat(32)}')` })).toEqual({
      model_versions: [],
    })
  })

  it.each([[`name = 'a' OR name = 'b'`], [`params.x = '1'`], [`name = 'unterminated`], [`name IN ('a')`]])(
    'refuses the filter %s with 400 INVALID_PARAMETER_VALUE',
    async (filter) => {
      expectMlflowError(await call('GET', 'registered-models/search', { filter }), 400, 'INVALID_PARAMETER_VALUE')
    },
  )

  it('refuses bad max_results, page tokens, order_by and field types with 400', async () => {
    expectMlflowError(
      await call('GET', 'registered-models/search', { max_results: 1001 }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('GET', 'registered-models/search', { max_results: 'many' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('GET', 'model-versions/search', { max_results: 200_001 }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('GET', 'registered-models/search', { page_token: '%%%' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('GET', 'registered-models/search', { page_token: Buffer.from('{"offset":-1}').toString('base64') }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('GET', 'registered-models/search', { order_by: 'size DESC' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(await call('POST', 'registered-models/create', { name: 42 }), 400, 'INVALID_PARAMETER_VALUE')
    expectMlflowError(await call('POST', 'registered-models/create', {}), 400, 'INVALID_PARAMETER_VALUE')
    expectMlflowError(
      await call('POST', 'registered-models/create', { name: '.hidden' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    // A bad tag refuses the whole create: nothing is left behind.
    const tagged = uniqueName()
    const longKey = [{ key: 'k'.repeat(300), value: 'v' }]
    expectMlflowError(
      await call('POST', 'registered-models/create', { name: tagged, tags: longKey }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(await call('GET', 'registered-models/get', { name: tagged }), 404, 'RESOURCE_DOES_NOT_EXIST')
    const name = uniqueName()
    await ok('POST', 'registered-models/create', { name })
    expectMlflowError(
      await call('POST', 'model-versions/create', { name, source: 's3://b/x', tags: longKey }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('POST', 'model-versions/create', { name, source: 's3://b/../x' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expectMlflowError(
      await call('POST', 'model-versions/create', { name, source: '/tmp/model' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    expect((await ok('GET', 'registered-models/get', { name })).registered_model.latest_versions).toEqual([])
    const bad = await t.app.inject({
      method: 'POST',
      url: `${api}/registered-models/create`,
      headers: { 'content-type': 'application/json' },
      payload: '{not json',
    })
    expectMlflowError(bad as Reply, 400, 'BAD_REQUEST')
  })

  it('answers unknown endpoints with ENDPOINT_NOT_FOUND and bad credentials with UNAUTHENTICATED', async () => {
    expectMlflowError(await call('GET', 'registered-models/list'), 404, 'ENDPOINT_NOT_FOUND')
    const anon = await t.app.inject({
      method: 'GET',
      url: `${api}/registered-models/search`,
      headers: { authorization: '' },
    })
    expectMlflowError(anon as Reply, 401, 'UNAUTHENTICATED')
    const wrong = await t.app.inject({
      method: 'GET',
      url: `${api}/registered-models/search`,
      headers: { authorization: `Basic ${Buffer.from('x:nope').toString('base64')}` },
    })
    expectMlflowError(wrong as Reply, 401, 'UNAUTHENTICATED')
  })

  it('applies visibility and scopes: private models are not found elsewhere, read tokens read (POST searches too)', async () => {
    const name = uniqueName()
    await ok('POST', 'registered-models/create', { name }, 'mina:basic')
    // Another organisation's member: not found, through both URL forms.
    expectMlflowError(await call('GET', 'registered-models/get', { name }, 'otto'), 404, 'RESOURCE_DOES_NOT_EXIST')
    const other = await t.app.inject({
      method: 'GET',
      url: `/mlflow/default/api/2.0/mlflow/registered-models/get?name=${encodeURIComponent(name)}`,
      headers: headers.get('otto'),
    })
    expectMlflowError(other as Reply, 404, 'RESOURCE_DOES_NOT_EXIST')
    // A member of the same organisation who is not the owner: private means not found.
    expectMlflowError(await call('GET', 'registered-models/get', { name }, 'rita'), 404, 'RESOURCE_DOES_NOT_EXIST')
    // Read-only token: searches sent as POST pass, writes do not.
    expect((await call('POST', 'registered-models/search', { filter: `name = '${name}'` }, 'rita')).statusCode).toBe(
      200,
    )
    expectMlflowError(
      await call('POST', 'registered-models/create', { name: uniqueName() }, 'rita'),
      403,
      'PERMISSION_DENIED',
    )
    // The other organisation's own prefix works for its member.
    const own = await t.app.inject({
      method: 'POST',
      url: '/mlflow/other/api/2.0/mlflow/registered-models/create',
      headers: headers.get('otto'),
      payload: { name },
    })
    expect(own.statusCode, own.body).toBe(200)
    expect((await getJson(t, `/api/v1/models/other/${encodeURIComponent(name)}`)).org).toBe('other')
  })

  it('searches runs by metrics, params, tags and attributes, pages them, and answers bad filters with 400', async () => {
    const exp = await ok('POST', 'experiments/create', { name: `search-${uniqueName()}` })
    const ids: string[] = []
    for (const [i, acc, lr] of [
      [1, 0.5, '0.1'],
      [2, 0.8, '0.01'],
      [3, 0.95, '0.01'],
    ] as const) {
      const run = (
        await ok('POST', 'runs/create', { experiment_id: exp.experiment_id, run_name: `r${i}`, start_time: i })
      ).run
      ids.push(run.info.run_id)
      await ok('POST', 'runs/log-batch', {
        run_id: run.info.run_id,
        params: [{ key: 'lr', value: lr }],
        // The latest value counts: step 1 holds acc, step 0 a value every filter below would pass.
        metrics: [
          { key: 'acc', value: 1, timestamp: 1, step: 0 },
          { key: 'acc', value: acc, timestamp: 2, step: 1 },
        ],
        tags: [{ key: 'team', value: i === 1 ? 'vision' : 'nlp' }],
      })
    }
    await ok('POST', 'runs/update', { run_id: ids[2], status: 'FINISHED', end_time: 10 })
    const names = async (filter: string) =>
      (await ok('POST', 'runs/search', { experiment_ids: [exp.experiment_id], filter })).runs?.map(
        (r: { info: { run_name: string } }) => r.info.run_name,
      ) ?? []
    expect(await names('metrics.acc > 0.7')).toEqual(['r3', 'r2'])
    expect(await names("params.lr = '0.01' AND metrics.acc < 0.9")).toEqual(['r2'])
    expect(await names("tags.team != 'vision'")).toEqual(['r3', 'r2'])
    expect(await names("attributes.status = 'FINISHED'")).toEqual(['r3'])
    expect(await names("attributes.run_name LIKE 'r%' AND attributes.start_time <= 2")).toEqual(['r2', 'r1'])
    expect(await names("attributes.run_name LIKE 'R%'")).toEqual([])
    expect(await names("attributes.run_name ILIKE 'R1'")).toEqual(['r1'])
    expect(await names(`attributes.run_id IN ('${ids[0]}', '${ids[2]}')`)).toEqual(['r3', 'r1'])
    expect(await names('metrics.missing > 0')).toEqual([])
    // Pages: two, then one, with MLflow's page token.
    const first = await ok('POST', 'runs/search', { experiment_ids: [exp.experiment_id], max_results: 2 })
    expect(first.runs).toHaveLength(2)
    const second = await ok('POST', 'runs/search', {
      experiment_ids: [exp.experiment_id],
      max_results: 2,
      page_token: first.next_page_token,
    })
    expect(second.runs.map((r: { info: { run_name: string } }) => r.info.run_name)).toEqual(['r1'])
    expect(second.next_page_token).toBeUndefined()
    for (const filter of [
      "metrics.acc > 'high'",
      'params.lr > 1',
      "attributes.artifact_uri = 'x'",
      'metrics.acc > 1 OR metrics.acc < 0',
      "tags.team = 'a' AND",
      "datasets.name = 'x'",
    ]) {
      const res = await call('POST', 'runs/search', { experiment_ids: [exp.experiment_id], filter })
      expectMlflowError(res, 400, 'INVALID_PARAMETER_VALUE')
    }
    // A metric's history, in steps, paged.
    const history = await ok('GET', 'metrics/get-history', { run_id: ids[0], metric_key: 'acc' })
    expect(history.metrics).toEqual([
      { key: 'acc', value: 1, timestamp: 1, step: 0 },
      { key: 'acc', value: 0.5, timestamp: 2, step: 1 },
    ])
    const page = await ok('GET', 'metrics/get-history', { run_id: ids[0], metric_key: 'acc', max_results: 1 })
    expect(page.metrics).toHaveLength(1)
    const rest = await ok('GET', 'metrics/get-history', {
      run_id: ids[0],
      metric_key: 'acc',
      max_results: 1,
      page_token: page.next_page_token,
    })
    expect(rest.metrics).toEqual([{ key: 'acc', value: 0.5, timestamp: 2, step: 1 }])
    expect((await ok('GET', 'metrics/get-history', { run_id: ids[0], metric_key: 'none' })).metrics).toEqual([])
    expectMlflowError(
      await call('GET', 'metrics/get-history', { run_id: 'nope', metric_key: 'acc' }),
      404,
      'RESOURCE_DOES_NOT_EXIST',
    )
    expectMlflowError(
      await call('GET', 'metrics/get-history', { run_id: ids[0], metric_key: 'acc', page_token: '%%%' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
  })

  it('filters experiments by name, and refuses tag and unknown filters with 400', async () => {
    const stem = `exps-${uniqueName()}`
    await ok('POST', 'experiments/create', { name: `${stem}-alpha` })
    await ok('POST', 'experiments/create', { name: `${stem}-beta` })
    const found = async (filter: string) =>
      ((await ok('POST', 'experiments/search', { filter, max_results: 100 })).experiments ?? []).map(
        (e: { name: string }) => e.name,
      )
    expect(await found(`name LIKE '${stem}-%'`)).toEqual([`${stem}-beta`, `${stem}-alpha`])
    expect(await found(`attribute.name = '${stem}-alpha'`)).toEqual([`${stem}-alpha`])
    expect(await found(`name ILIKE '${stem.toUpperCase()}-A%'`)).toEqual([`${stem}-alpha`])
    for (const filter of ["tags.k = 'v'", "lifecycle_stage = 'active'", "name = 'a' OR name = 'b'"]) {
      expectMlflowError(await call('POST', 'experiments/search', { filter }), 400, 'INVALID_PARAMETER_VALUE')
    }
  })

  it('logs a run and registers its model folder by reference, with its metrics and a link to the run', async () => {
    const exp = await ok('POST', 'experiments/create', { name: `exp-${uniqueName()}` })
    expectMlflowError(
      await call('POST', 'experiments/create', { name: exp.name ?? '' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    const run = (await ok('POST', 'runs/create', { experiment_id: exp.experiment_id, run_name: 'r1', start_time: 1 }))
      .run
    const runId = run.info.run_id
    expect(run.info.artifact_uri).toBe(`mlflow-artifacts:/${exp.experiment_id}/${runId}/artifacts`)
    await ok('POST', 'runs/log-batch', {
      run_id: runId,
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [
        { key: 'acc', value: 0.5, timestamp: 1, step: 0 },
        { key: 'acc', value: 0.9, timestamp: 2, step: 1 },
      ],
      tags: [{ key: 'mlflow.user', value: 'admin' }],
    })
    expectMlflowError(
      await call('POST', 'runs/log-parameter', { run_id: runId, key: 'lr', value: '0.2' }),
      400,
      'INVALID_PARAMETER_VALUE',
    )
    const put = (path: string, body: string) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${runId}/artifacts/${path}`,
        payload: body,
        headers: { 'content-type': 'application/octet-stream' },
      })
    expect((await put('model/MLmodel', 'flavors: {}\n')).statusCode).toBe(200)
    expect((await put('model/weights/w.bin', 'WEIGHTS')).statusCode).toBe(200)
    expect((await put('notes.txt', 'other')).statusCode).toBe(200)
    // inject() normalises ".." out of a URL's path (a real server does not): the query form shows the refusal.
    expectMlflowError(
      (await t.app.inject({
        method: 'GET',
        url: `/api/2.0/mlflow-artifacts/artifacts?path=${exp.experiment_id}/${runId}/artifacts/model/../..`,
      })) as Reply,
      400,
      'INVALID_PARAMETER_VALUE',
    )
    const listing = await getJson(
      t,
      `/api/2.0/mlflow-artifacts/artifacts?path=${exp.experiment_id}/${runId}/artifacts/model`,
    )
    expect(listing).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'weights', is_dir: true },
      ],
    })
    await ok('POST', 'runs/update', { run_id: runId, status: 'FINISHED', end_time: 2 })
    const name = uniqueName()
    await ok('POST', 'registered-models/create', { name })
    const mv = (
      await ok('POST', 'model-versions/create', {
        name,
        source: `mlflow-artifacts:/${exp.experiment_id}/${runId}/artifacts/model`,
        run_id: runId,
      })
    ).model_version
    expect(mv).toMatchObject({ version: '1', run_id: runId })
    const native = await getJson(t, versionPath(name, '1.0.0'))
    expect(native.metrics).toEqual({ acc: 0.9 })
    expect(native.source.runUrl).toContain(runId)
    const files = await getJson(t, `${versionPath(name, '1.0.0')}/artifacts`)
    expect(files.items.map((f: { path: string }) => f.path)).toEqual(['MLmodel', 'weights/w.bin'])
    const file = await t.app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow-artifacts/artifacts/models/${name}/1/weights/w.bin`,
    })
    expect(file.statusCode).toBe(200)
    expect(file.body).toBe('WEIGHTS')
    const search = await ok('POST', 'runs/search', { experiment_ids: [exp.experiment_id] })
    expect(search.runs[0].data).toMatchObject({
      params: [{ key: 'lr', value: '0.1' }],
      metrics: [{ key: 'acc', value: 0.9 }],
    })
    expect((await ok('GET', 'experiments/get-by-name', { experiment_name: 'Default' })).experiment.name).toBe('Default')
    expectMlflowError(await call('GET', 'runs/get', { run_id: 'f'.repeat(32) }), 404, 'RESOURCE_DOES_NOT_EXIST')
    expectMlflowError(await call('GET', 'runs/get', { run_id: runId }, 'otto'), 404, 'RESOURCE_DOES_NOT_EXIST')
    // Deleting the run's copy keeps the version's bytes (the same blob, still referenced).
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/2.0/mlflow-artifacts/artifacts/${exp.experiment_id}/${runId}/artifacts/model/weights/w.bin`,
    })
    expect(del.statusCode).toBe(200)
    const again = await t.app.inject({
      method: 'GET',
      url: `/api/2.0/mlflow-artifacts/artifacts/models/${name}/1/weights/w.bin`,
    })
    expect(again.body).toBe('WEIGHTS')
    // The native routes the Experiments page reads: the same experiment, run, files and registered version.
    const experiments = await getJson(t, '/api/v1/orgs/default/experiments')
    expect(experiments.items).toContainEqual(expect.objectContaining({ id: exp.experiment_id, createdBy: 'admin' }))
    const runs = await getJson(t, `/api/v1/orgs/default/experiments/${exp.experiment_id}/runs`)
    expect(runs.items).toEqual([
      expect.objectContaining({
        id: runId,
        experimentId: exp.experiment_id,
        name: 'r1',
        status: 'FINISHED',
        user: 'admin',
        startTime: 1,
        endTime: 2,
        params: [{ key: 'lr', value: '0.1' }],
        metrics: [{ key: 'acc', value: 0.9, step: 1, timestamp: 2 }],
        versions: [{ org: 'default', model: name, version: '1.0.0', sequence: 1 }],
      }),
    ])
    expect((await getJson(t, `/api/v1/orgs/default/runs/${runId}/files`)).items).toEqual([
      { path: 'model', isDir: true },
      { path: 'notes.txt', isDir: false, size: 5 },
    ])
    expect((await getJson(t, `/api/v1/orgs/default/runs/${runId}/files?path=model`)).items).toEqual([
      // The run's copy of weights/w.bin was deleted above; the version keeps its own.
      { path: 'model/MLmodel', isDir: false, size: 12 },
    ])
    expect((await t.app.inject({ url: '/api/v1/orgs/default/experiments/999999/runs' })).statusCode).toBe(404)
    expect((await t.app.inject({ url: '/api/v1/orgs/default/experiments/x/runs' })).statusCode).toBe(400)
    expect((await t.app.inject({ url: '/api/v1/orgs/default/runs/nope/files' })).statusCode).toBe(404)
    expect((await t.app.inject({ url: `/api/v1/orgs/default/runs/${runId}/files?path=../x` })).statusCode).toBe(400)
    const outsider = await t.app.inject({ url: '/api/v1/orgs/default/experiments', headers: headers.get('otto') })
    expect([403, 404]).toContain(outsider.statusCode)
  })
})
