import type { CreateModelBody, Model } from '@modelreg/contract'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp, testClock } from '../helpers/registry.js'
import {
  allPages,
  createModel,
  createVersion,
  expectError,
  getJson,
  send,
  type TestApp,
  versionPath,
} from './route-kit.js'

/** The registry of this file holds exactly these models, created in this order (one clock second apart). */
const dataset: CreateModelBody[] = [
  {
    name: 'resnet50-imagenet-v1',
    description: 'ResNet50 trained on ImageNet-1K, 76.5% top-1 accuracy',
    framework: 'pytorch',
    taskType: 'classification',
    modelType: 'custom',
    status: 'draft',
    tags: ['computer-vision', 'production'],
    author: 'ML Team',
    license: 'mit',
    publicAccess: true,
  },
  {
    name: 'XGBoost House Prices',
    description: 'Gradient boosted trees for house prices',
    framework: 'others',
    frameworkOther: 'XGBoost',
    taskType: 'regression',
    modelType: 'custom',
    status: 'completed',
    tags: ['tabular'],
    author: 'Data Team',
    license: 'apache-2.0',
    publicAccess: false,
  },
  {
    name: 'bert-sentiment',
    description: 'Sentiment analysis of reviews',
    framework: 'tensorflow',
    taskType: 'classification',
    modelType: 'bert',
    status: 'training',
    tags: ['nlp', 'production'],
    author: 'NLP Team',
    license: 'gpl',
    publicAccess: true,
  },
  {
    name: 'yolo-detector',
    description: 'Real-time object detection',
    framework: 'onnx',
    taskType: 'detection',
    modelType: 'yolo',
    status: 'archived',
    tags: ['computer-vision', 'edge'],
    author: 'ML Team',
    license: 'proprietary',
    publicAccess: false,
  },
  {
    name: 'seg-unet',
    framework: 'scikit-learn',
    taskType: 'segmentation',
    modelType: 'others',
    modelTypeOther: 'UNet',
  },
]
const [resnet, xgboost, bert, yolo, unet] = dataset.map((m) => m.name)

const names = (items: Model[]) => items.map((m) => m.name)
const sorted = (list: (string | undefined)[]) => [...list].sort()

/** What q must match: a case-insensitive substring of the name, the latest description or a tag. */
/** 3+ characters: a substring of name, description or tags; 1–2 characters: the start of the name. */
const expectedMatches = (q: string) =>
  dataset
    .filter((m) =>
      [...q].length < 3
        ? m.name.toLowerCase().startsWith(q.toLowerCase())
        : [m.name, m.description ?? '', ...(m.tags ?? [])].some((s) => s.toLowerCase().includes(q.toLowerCase())),
    )
    .map((m) => m.name)

describe.each(dialects)('model list and search on %s', (dialect) => {
  let t: TestApp
  const clock = testClock('2026-04-01T00:00:00.000Z')
  const list = async (query: string) => names((await getJson(t, `/api/v1/models?limit=500&${query}`)).items)

  beforeAll(async () => {
    t = await openTestApp(dialect, { clock })
    for (const body of dataset) expect((await send(t, 'POST', '/api/v1/models', body)).statusCode).toBe(201)
    // bert reaches Production; resnet gets a second version, so it is the most recently updated model.
    await send(t, 'POST', `${versionPath('bert-sentiment', '1.0.0')}/stage`, { stage: 'production' })
    const { description, tags, author, license } = dataset[0] ?? {}
    await createVersion(t, 'resnet50-imagenet-v1', '1.1.0', { description, tags, author, license, status: 'completed' })
  })
  afterAll(async () => {
    await t.close()
  })

  it('carries the latest version summary and the version count on each row', async () => {
    const rows: Model[] = (await getJson(t, '/api/v1/models')).items
    const row = rows.find((m) => m.name === resnet)
    expect(row).toMatchObject({ versionCount: 2, latestVersion: { version: '1.1.0', status: 'completed' } })
    expect(rows.find((m) => m.name === xgboost)).toMatchObject({ versionCount: 1, frameworkOther: 'XGBoost' })
  })

  describe("q searches name, description and tags, case-insensitively (1–2 characters: the name's start)", () => {
    it.each([
      ['ResNet'],
      ['RESNET50'],
      ['house pr'],
      ['gradient'],
      ['Tabular'],
      ['computer-vision'],
      ['production'],
      ['sentiment'],
      ['76.5%'],
      ['Xg'],
      ['k'],
      ['%'],
      ['_'],
      ['"'],
      ['no such thing'],
    ])('q=%j', async (q) => {
      const got = await list(`q=${encodeURIComponent(q)}`)
      expect(sorted(got)).toEqual(sorted(expectedMatches(q)))
    })

    it('finds the doc examples by the words people type', async () => {
      expect(await list('q=imagenet')).toEqual([resnet])
      expect(await list('q=Xg')).toEqual([xgboost])
      expect(await list(`q=${encodeURIComponent(' object ')}`)).toEqual([yolo])
    })
  })

  describe('filters', () => {
    it.each([
      ['framework=others', [xgboost]],
      ['framework=pytorch', [resnet]],
      ['taskType=classification', [resnet, bert]],
      ['modelType=bert', [bert]],
      ['modelType=others', [unet]],
      ['status=completed', [resnet, xgboost]],
      ['status=draft', [resnet, unet]],
      ['stage=production', [bert]],
      ['stage=development', [resnet, xgboost, yolo, unet]],
      ['tag=computer-vision', [resnet, yolo]],
      ['tag=Computer-Vision', [resnet, yolo]],
      ['tag=computer-vision&tag=edge', [yolo]],
      ['tag=production&tag=computer-vision', [resnet]],
      ['tag=production&tag=tabular', []],
      ['author=ML%20Team', [resnet, yolo]],
      ['license=mit', [resnet]],
      ['license=apache-2.0', [xgboost]],
      ['publicAccess=true', [resnet, bert]],
      ['publicAccess=false', [xgboost, yolo, unet]],
      ['framework=pytorch&publicAccess=false', []],
      ['q=production&taskType=classification', [resnet, bert]],
    ])('%s', async (query, expected) => {
      expect(sorted(await list(query))).toEqual(sorted(expected))
    })
  })

  describe('sort', () => {
    const byCreated = [resnet, xgboost, bert, yolo, unet]
    const byUpdated = [xgboost, bert, yolo, unet, resnet]
    const byName = [bert, resnet, unet, xgboost, yolo]

    it.each([
      ['name', byName],
      ['-name', [...byName].reverse()],
      ['created', byCreated],
      ['-created', [...byCreated].reverse()],
      ['updated', byUpdated],
      ['-updated', [...byUpdated].reverse()],
    ])('sort=%s orders every row', async (sort, expected) => {
      expect(await list(`sort=${sort}`)).toEqual(expected)
    })

    it('defaults to the most recently updated first', async () => {
      expect(names((await getJson(t, '/api/v1/models')).items)).toEqual([...byUpdated].reverse())
    })

    it.each(['name', '-name', 'created', '-created', 'updated', '-updated'])(
      'sort=%s pages with cursors, returning every row exactly once',
      async (sort) => {
        const first = await getJson(t, `/api/v1/models?sort=${sort}&limit=2`)
        expect(first.items).toHaveLength(2)
        expect(first.nextCursor).toEqual(expect.any(String))
        const paged = names(await allPages<Model>(t, `/api/v1/models?sort=${sort}&limit=2`))
        expect(paged).toEqual(await list(`sort=${sort}`))
      },
    )

    it('pages a filtered search with cursors', async () => {
      const paged = names(await allPages<Model>(t, '/api/v1/models?tag=computer-vision&sort=name&limit=1'))
      expect(paged).toEqual([resnet, yolo])
    })

    it('refuses an unknown sort with 400', async () => {
      expectError(await send(t, 'GET', '/api/v1/models?sort=size'), 400, 'VALIDATION_FAILED')
    })
  })
})

describe.each(dialects)('model list page size on %s', (dialect) => {
  let t: TestApp
  beforeAll(async () => {
    t = await openTestApp(dialect)
    for (let i = 0; i < 55; i++) await createModel(t, { name: `bulk-${String(i).padStart(2, '0')}` })
  })
  afterAll(async () => {
    await t.close()
  })

  it('returns 50 rows by default, then the rest on the next page', async () => {
    const first = await getJson(t, '/api/v1/models')
    expect(first.items).toHaveLength(50)
    expect(first.nextCursor).toEqual(expect.any(String))
    const second = await getJson(t, `/api/v1/models?cursor=${first.nextCursor}`)
    expect(second.items).toHaveLength(5)
    expect(second.nextCursor).toBeNull()
    const all = new Set(names([...first.items, ...second.items]))
    expect(all.size).toBe(55)
  })

  it('returns up to 500 rows when asked', async () => {
    const page = await getJson(t, '/api/v1/models?limit=500')
    expect(page.items).toHaveLength(55)
    expect(page.nextCursor).toBeNull()
  })

  it.each(['0', '501', '-1', '1.5', 'abc'])('refuses limit=%s with 400 VALIDATION_FAILED', async (limit) => {
    const err = expectError(await send(t, 'GET', `/api/v1/models?limit=${limit}`), 400, 'VALIDATION_FAILED')
    expect(err.message).toContain('limit')
  })
})
