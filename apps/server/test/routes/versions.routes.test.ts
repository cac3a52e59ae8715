import type { CreateVersionBody, Version } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleModel, uniqueName } from '../helpers/factories.js'
import { dialects, openTestApp } from '../helpers/registry.js'
import {
  allPages,
  createModel,
  createVersion,
  eventsOf,
  expectError,
  failingFields,
  getJson,
  modelPath,
  send,
  type TestApp,
  versionPath,
  versionsPath,
} from './route-kit.js'

const numbers = (items: Version[]) => items.map((v) => v.version)

/** Created out of order on purpose; the expected order is semver precedence, highest first. */
const shuffled = ['1.9.0', '2.0.0-rc.1', '0.9.0', '1.10.0-beta.11', '1.10.0', '2.0.0-alpha', '1.10.0-beta.2']
const semverDesc = ['2.0.0-rc.1', '2.0.0-alpha', '1.10.0', '1.10.0-beta.11', '1.10.0-beta.2', '1.9.0', '1.0.0', '0.9.0']

describe.each(dialects)('versions routes on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await openTestApp(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('creates a version with every field and returns the same on GET', async () => {
    const { name } = await createModel(t)
    const fields: Omit<CreateVersionBody, 'version'> = {
      description: 'fine-tuned',
      status: 'training',
      tags: ['nlp', 'v2'],
      author: 'NLP Team',
      license: 'apache-2.0',
      metrics: { top1_accuracy: 0.765, loss: 1.5 },
      source: { runUrl: 'https://runs.example.com/42', commit: 'abc123', datasets: ['imagenet-1k'] },
      baseModel: `default/${name}@1.0.0`,
    }
    const created = await createVersion(t, name, '1.1.0', fields)
    expect(created).toMatchObject({ model: `default/${name}`, version: '1.1.0', stage: 'development', ...fields })
    expect(await getJson(t, versionPath(name, '1.1.0'))).toEqual(created)
    expect(await getJson(t, modelPath(name))).toMatchObject({
      versionCount: 2,
      latestVersion: { version: '1.1.0' },
      nextVersion: { major: '2.0.0', minor: '1.2.0', patch: '1.1.1' },
    })
  })

  it.each(['1', '1.0', 'v1.0.0', '01.0.0', '1.0.0+build', '1.0.0-', '1.0.0 ', 'latest'])(
    'refuses version %j with 400 VALIDATION_FAILED and creates nothing',
    async (bad) => {
      const { name } = await createModel(t)
      const err = expectError(await send(t, 'POST', versionsPath(name), { version: bad }), 400, 'VALIDATION_FAILED')
      expect(failingFields(err)).toContain('version')
      expect(err.message).toMatch(/semantic version|build metadata/)
      expect(numbers((await getJson(t, versionsPath(name))).items)).toEqual(['1.0.0'])

      const other = uniqueName()
      const onCreate = await send(t, 'POST', '/api/v1/models', exampleModel({ name: other, version: bad }))
      expect(failingFields(expectError(onCreate, 400, 'VALIDATION_FAILED'))).toContain('version')
      expectError(await send(t, 'GET', modelPath(other)), 404, 'NOT_FOUND')
    },
  )

  it('refuses a duplicate version with 409 ALREADY_EXISTS naming the next free minor', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.2.0')
    const err = expectError(await send(t, 'POST', versionsPath(name), { version: '1.0.0' }), 409, 'ALREADY_EXISTS')
    expect(err.message).toContain('1.0.0')
    expect(err.message).toContain('1.3.0')
    expect(err.details.next).toEqual({ major: '2.0.0', minor: '1.3.0', patch: '1.2.1' })
    expect((await getJson(t, modelPath(name))).versionCount).toBe(2)
  })

  describe('semver order', () => {
    let name: string
    beforeAll(async () => {
      name = (await createModel(t)).name
      for (const v of shuffled) await createVersion(t, name, v)
    })

    it('lists highest first by default: prereleases below their release, 1.10.0 above 1.9.0', async () => {
      expect(numbers((await getJson(t, versionsPath(name))).items)).toEqual(semverDesc)
      expect(numbers((await getJson(t, `${versionsPath(name)}?order=desc`)).items)).toEqual(semverDesc)
    })

    it('lists lowest first with order=asc', async () => {
      expect(numbers((await getJson(t, `${versionsPath(name)}?order=asc`)).items)).toEqual([...semverDesc].reverse())
    })

    it.each(['asc', 'desc'])('pages with cursors in %s order, every version exactly once', async (order) => {
      const first = await getJson(t, `${versionsPath(name)}?order=${order}&limit=3`)
      expect(first.items).toHaveLength(3)
      expect(first.nextCursor).toEqual(expect.any(String))
      const all = await allPages<Version>(t, `${versionsPath(name)}?order=${order}&limit=3`)
      expect(numbers(all)).toEqual(order === 'desc' ? semverDesc : [...semverDesc].reverse())
    })

    it('resolves latest to the highest non-prerelease version', async () => {
      expect((await getJson(t, versionPath(name, 'latest'))).version).toBe('1.10.0')
      expect((await getJson(t, modelPath(name))).latestVersion.version).toBe('1.10.0')
    })

    it('offers the next major, minor and patch of the latest version', async () => {
      expect((await getJson(t, versionsPath(name))).next).toEqual({ major: '2.0.0', minor: '1.11.0', patch: '1.10.1' })
      expect((await getJson(t, modelPath(name))).nextVersion).toEqual({
        major: '2.0.0',
        minor: '1.11.0',
        patch: '1.10.1',
      })
    })
  })

  it('answers 404 for latest when a model has only prereleases', async () => {
    const { name } = await createModel(t, { version: '0.1.0-alpha' })
    expectError(await send(t, 'GET', versionPath(name, 'latest')), 404, 'NOT_FOUND')
  })

  it('filters the versions list by status and stage', async () => {
    const { name } = await createModel(t)
    await createVersion(t, name, '1.1.0', { status: 'completed' })
    await createVersion(t, name, '1.2.0', { status: 'completed' })
    expect((await send(t, 'POST', `${versionPath(name, '1.1.0')}/stage`, { stage: 'staging' })).statusCode).toBe(200)
    expect(numbers((await getJson(t, `${versionsPath(name)}?status=completed`)).items)).toEqual(['1.2.0', '1.1.0'])
    expect(numbers((await getJson(t, `${versionsPath(name)}?stage=staging`)).items)).toEqual(['1.1.0'])
    expect(numbers((await getJson(t, `${versionsPath(name)}?stage=development&status=draft`)).items)).toEqual(['1.0.0'])
  })

  it('answers 404 for an unknown version or model, and 400 for a version path that is no version reference', async () => {
    const { name } = await createModel(t)
    expectError(await send(t, 'GET', versionPath(name, '9.9.9')), 404, 'NOT_FOUND')
    expectError(await send(t, 'GET', versionsPath('no-such-model')), 404, 'NOT_FOUND')
    expectError(await send(t, 'POST', versionsPath('no-such-model'), { version: '1.0.0' }), 404, 'NOT_FOUND')
    expectError(await send(t, 'GET', versionPath(name, '1.0.0.0')), 400, 'VALIDATION_FAILED')
    // "1.0" is a range (1.0.x), so it names the model's 1.0.0; "1.1" matches nothing.
    expect((await getJson(t, versionPath(name, '1.0'))).version).toBe('1.0.0')
    expectError(await send(t, 'GET', versionPath(name, '1.1')), 404, 'NOT_FOUND')
  })

  it('refuses a malformed baseModel with 400', async () => {
    const { name } = await createModel(t)
    for (const baseModel of ['resnet', 'default/resnet', 'default/resnet@latest', '@1.0.0']) {
      const res = await send(t, 'POST', versionsPath(name), { version: '1.1.0', baseModel })
      expect(failingFields(expectError(res, 400, 'VALIDATION_FAILED')), baseModel).toContain('baseModel')
    }
  })

  it.each([
    'javascript:alert(document.cookie)',
    'JAVASCRIPT:alert(1)',
    'javascript://runs.example.com/%0aalert(1)',
    'data:text/html;base64,PHNjcmlwdD4=',
    'vbscript:msgbox(1)',
    '//evil.example/run',
  ])('refuses a runUrl that is not http(s), on create and on edit: %s', async (runUrl) => {
    const { name } = await createModel(t)
    const created = await send(t, 'POST', versionsPath(name), { version: '1.1.0', source: { runUrl } })
    expect(failingFields(expectError(created, 400, 'VALIDATION_FAILED'))).toContain('source.runUrl')
    const edited = await send(t, 'PATCH', versionPath(name, '1.0.0'), { source: { runUrl } })
    expect(failingFields(expectError(edited, 400, 'VALIDATION_FAILED'))).toContain('source.runUrl')
    const model = await send(t, 'POST', '/api/v1/models', exampleModel({ name: uniqueName(), source: { runUrl } }))
    expectError(model, 400, 'VALIDATION_FAILED')
    expect((await getJson(t, versionPath(name, '1.0.0'))).source).toEqual({})
  })

  describe('PATCH a version', () => {
    it.each([
      ['version', '2.0.0'],
      ['name', 'renamed'],
      ['framework', 'onnx'],
    ])(
      'refuses to change %s with 400 FIELD_NOT_EDITABLE naming the field, and changes nothing',
      async (field, value) => {
        const { name } = await createModel(t)
        const before = await getJson(t, versionPath(name, '1.0.0'))
        const eventsBefore = await eventsOf(t, name)
        const err = expectError(
          await send(t, 'PATCH', versionPath(name, '1.0.0'), { [field]: value, description: 'changed?' }),
          400,
          'FIELD_NOT_EDITABLE',
        )
        expect(err.details.field).toBe(field)
        expect(err.message).toContain(field)
        expect(await getJson(t, versionPath(name, '1.0.0'))).toEqual(before)
        expect(await eventsOf(t, name)).toEqual(eventsBefore)
      },
    )

    it.each([
      ['description', 'ResNet50 trained on ImageNet-1K, 76.5% top-1 accuracy', 'retrained'],
      ['tags', ['computer-vision', 'production'], ['optimized']],
      ['status', 'draft', 'training'],
      ['author', 'ML Team', 'Vision Team'],
      ['license', 'mit', 'proprietary'],
      ['metrics', {}, { top1_accuracy: 0.8 }],
      ['source', {}, { commit: 'deadbeef' }],
    ])('changes %s and records version.updated with before and after', async (field, before, after) => {
      const { name } = await createModel(t)
      const res = await send(t, 'PATCH', versionPath(name, '1.0.0'), { [field]: after })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()[field]).toEqual(after)
      expect((await getJson(t, versionPath(name, '1.0.0')))[field]).toEqual(after)
      const [latest] = await eventsOf(t, name)
      expect(latest).toMatchObject({ type: 'version.updated', version: '1.0.0', actor: 'admin' })
      expect(latest?.data.changes).toEqual({ [field]: { before, after } })
    })

    it('shows description, tags, status, author and license changes in the models list row', async () => {
      const { name } = await createModel(t)
      const edit = { description: 'edited', tags: ['edited-tag'], status: 'completed', author: 'A', license: 'gpl' }
      expect((await send(t, 'PATCH', versionPath(name, 'latest'), edit)).statusCode).toBe(200)
      expect((await getJson(t, modelPath(name))).latestVersion).toMatchObject(edit)
    })

    it('keeps search in step: q finds the edited description and tags of the latest version, not the old ones', async () => {
      const { name } = await createModel(t, { description: 'platypus classifier', tags: ['echidna'] })
      const found = async (q: string) =>
        (await getJson(t, `/api/v1/models?limit=500&q=${q}`)).items.map((m: { name: string }) => m.name)
      expect(await found('platypus')).toEqual([name])
      const edit = { description: 'quokka detector', tags: ['wombat'] }
      expect((await send(t, 'PATCH', versionPath(name, '1.0.0'), edit)).statusCode).toBe(200)
      expect(await found('quokka')).toEqual([name])
      expect(await found('WOMBAT')).toEqual([name])
      expect(await found('platypus')).toEqual([])
      expect(await found('echidna')).toEqual([])
    })

    it('changes license to others with its text, and refuses others without text', async () => {
      const { name } = await createModel(t)
      const res = await send(t, 'PATCH', versionPath(name, '1.0.0'), { license: 'others', licenseOther: 'CC-BY-4.0' })
      expect(res.json()).toMatchObject({ license: 'others', licenseOther: 'CC-BY-4.0' })
      const [latest] = await eventsOf(t, name)
      expect(latest?.data.changes).toEqual({
        license: { before: 'mit', after: 'others' },
        licenseOther: { before: null, after: 'CC-BY-4.0' },
      })
      const { name: other } = await createModel(t)
      const err = expectError(
        await send(t, 'PATCH', versionPath(other, '1.0.0'), { license: 'others' }),
        400,
        'VALIDATION_FAILED',
      )
      expect(failingFields(err)).toContain('licenseOther')
      expectError(
        await send(t, 'PATCH', versionPath(other, '1.0.0'), { licenseOther: 'CC-BY-4.0' }),
        400,
        'VALIDATION_FAILED',
      )
      expect((await getJson(t, versionPath(other, '1.0.0'))).license).toBe('mit')
    })

    it('trims and de-duplicates tags', async () => {
      const { name } = await createModel(t)
      const res = await send(t, 'PATCH', versionPath(name, '1.0.0'), { tags: ['nlp', ' edge ', 'NLP'] })
      expect(res.json().tags).toEqual(['nlp', 'edge'])
    })

    it.each([
      ['taskType', 'regression'],
      ['modelType', 'bert'],
      ['publicAccess', false],
    ])('points model field %s to the model with 400, and changes nothing', async (field, value) => {
      const { name } = await createModel(t)
      const before = await getJson(t, modelPath(name))
      const err = expectError(
        await send(t, 'PATCH', versionPath(name, '1.0.0'), { [field]: value }),
        400,
        'VALIDATION_FAILED',
      )
      expect(err.message).toContain('/api/v1/models/')
      expect(await getJson(t, modelPath(name))).toEqual(before)
    })

    it('refuses to change metrics of a completed version with 409 VERSION_FROZEN', async () => {
      const { name } = await createModel(t, { status: 'completed', metrics: { loss: 1 } })
      const err = expectError(
        await send(t, 'PATCH', versionPath(name, '1.0.0'), { metrics: { loss: 0.5 } }),
        409,
        'VERSION_FROZEN',
      )
      expect(err.message).toContain('metrics')
      expect((await getJson(t, versionPath(name, '1.0.0'))).metrics).toEqual({ loss: 1 })
    })

    it('answers 404 for an unknown version', async () => {
      const { name } = await createModel(t)
      expectError(await send(t, 'PATCH', versionPath(name, '3.0.0'), { description: 'x' }), 404, 'NOT_FOUND')
    })
  })

  describe('DELETE a version', () => {
    it('deletes it: 204, then 404; the model counts one fewer and its latest falls back', async () => {
      const { name } = await createModel(t)
      await createVersion(t, name, '1.1.0')
      expect((await send(t, 'DELETE', versionPath(name, '1.1.0'))).statusCode).toBe(204)
      expectError(await send(t, 'GET', versionPath(name, '1.1.0')), 404, 'NOT_FOUND')
      expectError(await send(t, 'DELETE', versionPath(name, '1.1.0')), 404, 'NOT_FOUND')
      expect(await getJson(t, modelPath(name))).toMatchObject({ versionCount: 1, latestVersion: { version: '1.0.0' } })
      const [latest] = await eventsOf(t, name)
      expect(latest).toMatchObject({ type: 'version.deleted', version: '1.1.0', actor: 'admin' })
    })
  })
})
