// List and search latency at scale: seeds 100,000 models / 1,000,000 versions on SQLite and PostgreSQL with bulk
// SQL, then times the real HTTP layer (buildApp + app.inject) and explains the slowest queries.
import { randomBytes, randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ModelSort } from '@modelreg/contract'
import SqliteDatabase from 'better-sqlite3'
import { CompiledQuery, Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { buildApp } from '../apps/server/src/app.js'
import { openRegistry } from '../apps/server/src/bootstrap.js'
import type { Db, Dialect } from '../apps/server/src/db/database.js'
import type { Database } from '../apps/server/src/db/schema.js'
import { modelNameKey } from '../apps/server/src/domain/names.js'
import { parseVersion } from '../apps/server/src/domain/version-number.js'
import { ModelRepository } from '../apps/server/src/repositories/model.repository.js'
import type { Store } from '../apps/server/src/repositories/repositories.js'
import type { Viewer } from '../apps/server/src/repositories/visibility.js'
import { digest } from '../apps/server/src/services/auth.service.js'
import type { BenchSection } from './run.js'

const postgresUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

// ---------------------------------------------------------------------------------------------------------------
// Scale

export interface Scale {
  models: number
  versions: number
  /** Versions of the one very large model (the versions page must not load them all). */
  bigVersions: number
}

const defaultScale: Scale = { models: 100_000, versions: 1_000_000, bigVersions: 200_000 }

function envInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`)
  return n
}

export function scaleFromEnv(): Scale {
  const models = envInt('BENCH_MODELS', defaultScale.models)
  const versions = envInt('BENCH_VERSIONS', models * 10)
  const bigVersions = envInt('BENCH_BIG_VERSIONS', Math.min(defaultScale.bigVersions, Math.floor(versions / 5)))
  if (models < 100) throw new Error('BENCH_MODELS must be at least 100')
  if (versions - bigVersions < models - 1) {
    throw new Error(`BENCH_VERSIONS (${versions}) leaves fewer than one version per model besides the large one`)
  }
  return { models, versions, bigVersions }
}

const isDefaultScale = (s: Scale) =>
  s.models === defaultScale.models && s.versions === defaultScale.versions && s.bigVersions === defaultScale.bigVersions

// ---------------------------------------------------------------------------------------------------------------
// Deterministic, realistic rows

/** mulberry32: small, fast and deterministic, so both databases get the same rows. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Rand = () => number
const pick = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() * items.length)] as T
/** Skewed towards the start of the list, like real usage (a few popular tags, many rare ones). */
const pickSkewed = <T>(r: Rand, items: readonly T[]): T => items[Math.floor(r() ** 2 * items.length)] as T
function pickWeighted<T>(r: Rand, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0)
  let x = r() * total
  for (const [v, w] of items) {
    x -= w
    if (x < 0) return v
  }
  return (items[items.length - 1] as readonly [T, number])[0]
}
const hex = (r: Rand, n: number) => {
  let s = ''
  for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(r() * 16)]
  return s
}

type Family = 'vision' | 'nlp' | 'tabular' | 'speech'
const archs: readonly (readonly [string, string, Family])[] = [
  ['resnet50', 'ResNet50', 'vision'],
  ['resnet101', 'ResNet101', 'vision'],
  ['efficientnet-b0', 'EfficientNet B0', 'vision'],
  ['vit-base', 'ViT Base', 'vision'],
  ['convnext-tiny', 'ConvNeXt Tiny', 'vision'],
  ['mobilenet-v3', 'MobileNet V3', 'vision'],
  ['yolov8', 'YOLOv8', 'vision'],
  ['detr', 'DETR', 'vision'],
  ['unet', 'UNet', 'vision'],
  ['sam-vit', 'SAM ViT', 'vision'],
  ['clip-vit', 'CLIP ViT', 'vision'],
  ['bert-base', 'BERT Base', 'nlp'],
  ['distilbert', 'DistilBERT', 'nlp'],
  ['roberta-large', 'RoBERTa Large', 'nlp'],
  ['deberta-v3', 'DeBERTa V3', 'nlp'],
  ['t5-small', 'T5 Small', 'nlp'],
  ['gpt2', 'GPT-2', 'nlp'],
  ['llama-7b', 'Llama 7B', 'nlp'],
  ['mistral-7b', 'Mistral 7B', 'nlp'],
  ['xgboost', 'XGBoost', 'tabular'],
  ['lightgbm', 'LightGBM', 'tabular'],
  ['catboost', 'CatBoost', 'tabular'],
  ['random-forest', 'Random Forest', 'tabular'],
  ['wav2vec2', 'Wav2Vec2', 'speech'],
  ['whisper-small', 'Whisper Small', 'speech'],
]
const datasets: Record<Family, readonly (readonly [string, string])[]> = {
  vision: [
    ['imagenet', 'ImageNet'],
    ['coco', 'COCO'],
    ['cifar10', 'CIFAR-10'],
    ['ade20k', 'ADE20K'],
    ['cityscapes', 'Cityscapes'],
    ['kitti', 'KITTI'],
    ['pascal-voc', 'Pascal VOC'],
    ['products', 'Products'],
  ],
  nlp: [
    ['squad', 'SQuAD'],
    ['glue', 'GLUE'],
    ['imdb', 'IMDB'],
    ['sst2', 'SST-2'],
    ['wikitext', 'WikiText'],
    ['support-tickets', 'Support Tickets'],
    ['reviews', 'Reviews'],
  ],
  tabular: [
    ['house-prices', 'House Prices'],
    ['churn', 'Churn'],
    ['fraud', 'Fraud'],
    ['criteo', 'Criteo'],
    ['movielens', 'MovieLens'],
    ['demand', 'Demand'],
  ],
  speech: [
    ['librispeech', 'LibriSpeech'],
    ['common-voice', 'Common Voice'],
    ['call-center', 'Call Center'],
  ],
}
const teams = ['search', 'ads', 'vision', 'nlp', 'risk', 'growth', 'speech', 'recsys', 'platform', 'research']
const tasks: Record<Family, readonly (readonly [string, number])[]> = {
  vision: [
    ['classification', 5],
    ['detection', 3],
    ['segmentation', 2],
  ],
  nlp: [
    ['classification', 6],
    ['others', 4],
  ],
  tabular: [
    ['regression', 5],
    ['classification', 5],
  ],
  speech: [['others', 1]],
}
const tags = [
  'vision',
  'nlp',
  'production-ready',
  'baseline',
  'quantized',
  'fine-tuned',
  'tabular',
  'gpu',
  'experimental',
  'pretrained',
  'fp16',
  'int8',
  'distilled',
  'cpu',
  'onnx-export',
  'edge',
  'mobile',
  'multilingual',
  'english',
  'realtime',
  'batch',
  'low-latency',
  'speech',
  'candidate',
  'approved',
  'needs-review',
  'ab-test',
  'shadow',
  'canary',
  'retrained',
  'drift-fixed',
  'pii-safe',
  'gdpr',
  'internal',
  'customer-facing',
  'large',
  'small',
  'tiny',
  'ensemble',
  'calibrated',
  'explainable',
  'llm',
  'chat',
  'rag',
  'embedding',
  'ranking',
  'forecasting',
  'anomaly',
  'hyperparam-sweep',
  'reproducible',
  'deprecated',
  'q4-2025',
  'q1-2026',
  'sota',
  'benchmark',
]
const firstNames = ['alice', 'bob', 'carol', 'dan', 'erin', 'farid', 'grace', 'hiro', 'ines', 'jonas', 'kemi']
const lastNames = ['nguyen', 'smith', 'garcia', 'muller', 'okafor', 'tanaka', 'rossi', 'kowalski', 'silva', 'haddad']
const authors = firstNames.flatMap((f) => lastNames.map((l) => `${f}.${l}`))
const sentences = [
  'Improves top-1 accuracy over the previous release.',
  'Retrained with mixed precision and a cosine learning-rate schedule.',
  'Quantized to int8 for CPU serving.',
  'Distilled from a larger teacher model.',
  'Fixes a preprocessing bug in the tokenizer.',
  'Trained on the refreshed snapshot of the dataset.',
  'Adds calibration so scores can be read as probabilities.',
  'Smaller and faster, with a small drop in recall.',
  'Baseline for the next experiment round.',
  'Exported to ONNX and validated against the PyTorch outputs.',
  'Hyperparameters from the latest sweep.',
  'Evaluated on the held-out test split; see metrics.',
]
const licenses: readonly (readonly [[string, string | null], number])[] = [
  [['apache-2.0', null], 35],
  [['mit', null], 30],
  [['proprietary', null], 20],
  [['gpl', null], 8],
  [['others', 'CC-BY-4.0'], 4],
  [['others', 'OpenRAIL'], 3],
]

/** The words the search cases look for; `rareWord` is put in about 1 description in 10,000. */
export const searchTerms = {
  many: 'resnet',
  all: 'fine',
  few: 'hyperspectral',
  twoLetters: 'v3',
  twoLettersRare: 'qz',
} as const
const rareWord = searchTerms.few
/** Facet values that only a few models have: an occasional guest author (1 version in 5,000), the large model's tag. */
const rare = { author: 'guest.researcher', bigModelTag: 'nightly' } as const
/** The model with `bigVersions` versions. */
export const bigModelName = 'assistant-llm-nightly'

export interface ModelRow {
  id: number
  name: string
  nameKey: string
  framework: string
  frameworkOther: string | null
  taskType: string
  taskTypeOther: string | null
  modelType: string
  modelTypeOther: string | null
  publicAccess: number
  createdBy: string
  createdAt: string
  updatedAt: string
  versionCount: number
  latestVersionId: number
  searchText: string
}

export interface VersionRow {
  id: number
  modelId: number
  version: string
  major: number
  minor: number
  patch: number
  prerelease: string | null
  sortKey: string
  description: string
  status: string
  stage: string
  author: string
  license: string | null
  licenseOther: string | null
  tags: string[]
  metrics: string
  source: string
  createdBy: string
  createdAt: string
  updatedAt: string
}

export interface TagRow {
  versionId: number
  modelId: number
  tag: string
}

export interface Chunk {
  models: ModelRow[]
  versions: VersionRow[]
  tags: TagRow[]
}

/** How many versions each model gets: the large one first, the others uniform around the average. */
function versionCounts(scale: Scale): Int32Array {
  const r = random(7)
  const counts = new Int32Array(scale.models)
  counts[0] = scale.bigVersions
  const rest = scale.versions - scale.bigVersions
  const others = scale.models - 1
  const avg = rest / others
  const span = Math.max(1, Math.round(2 * avg - 1))
  let sum = 0
  for (let i = 1; i < scale.models; i++) {
    const c = 1 + Math.floor(r() * span)
    counts[i] = c
    sum += c
  }
  // Nudge to the exact total, one version at a time over a spread of models.
  for (let k = 0; sum !== rest; k++) {
    const j = 1 + ((k * 7919) % others)
    const c = counts[j] as number
    if (sum < rest && c < 2 * span) {
      counts[j] = c + 1
      sum++
    } else if (sum > rest && c > 1) {
      counts[j] = c - 1
      sum--
    }
  }
  return counts
}

const DAY = 86_400_000
const epoch = Date.parse('2023-06-01T00:00:00.000Z')

/** The version numbers of a model in creation order: mostly patch bumps, some minor/major, a few release candidates. */
function versionNumbers(r: Rand, n: number, big: boolean): string[] {
  const out: string[] = []
  if (big) {
    // Nightly builds: 0.0.0 … 19.99.99 in order.
    for (let i = 0; out.length < n; i++) out.push(`${Math.floor(i / 10_000)}.${Math.floor(i / 100) % 100}.${i % 100}`)
    return out
  }
  let [major, minor, patch] = r() < 0.3 ? [0, 1, 0] : [1, 0, 0]
  let pendingRelease = false
  while (out.length < n) {
    if (out.length > 0 && !pendingRelease) {
      const x = r()
      if (x < 0.08) [major, minor, patch] = [major + 1, 0, 0]
      else if (x < 0.3) [minor, patch] = [minor + 1, 0]
      else patch++
      if (patch === 0 && r() < 0.15 && out.length < n - 1) {
        out.push(`${major}.${minor}.${patch}-rc.1`)
        pendingRelease = true
        continue
      }
    }
    pendingRelease = false
    out.push(`${major}.${minor}.${patch}`)
  }
  return out
}

function makeModel(
  index: number,
  count: number,
  firstVersionId: number,
): { model: ModelRow; versions: VersionRow[]; tags: TagRow[] } {
  const r = random(1_000_003 + index)
  const id = index + 1
  const big = index === 0
  const [arch, archLabel, family] = big ? (['llama-7b', 'Llama 7B', 'nlp'] as const) : pick(r, archs)
  const [dataset, datasetLabel] = pick(r, datasets[family])
  const team = pick(r, teams)
  const name = big
    ? bigModelName
    : r() < 0.15
      ? `${archLabel} ${datasetLabel} ${index}`
      : `${team}-${arch}-${dataset}-${index.toString(36)}`
  let framework = pickWeighted(r, [
    ['pytorch', 65],
    ['tensorflow', 20],
    ['onnx', 15],
  ] as const) as string
  let frameworkOther: string | null = null
  if (arch === 'random-forest') framework = 'scikit-learn'
  if (arch === 'xgboost' || arch === 'lightgbm' || arch === 'catboost') {
    framework = 'others'
    frameworkOther = archLabel
  }
  const taskType = pickWeighted(r, tasks[family])
  const taskTypeOther = taskType === 'others' ? (family === 'speech' ? 'Speech recognition' : 'Generation') : null
  const modelType = arch.startsWith('resnet')
    ? 'resnet'
    : arch.includes('bert')
      ? 'bert'
      : arch.startsWith('yolo')
        ? 'yolo'
        : r() < 0.7
          ? 'custom'
          : 'others'
  const modelTypeOther = modelType === 'others' ? 'Transformer' : null
  const owner = pickSkewed(r, authors)
  const [license, licenseOther] = pickWeighted(r, licenses)
  const modelTags = [family === 'speech' ? 'speech' : family, pickSkewed(r, tags)]
  if (r() < 0.5) modelTags.push(pickSkewed(r, tags))

  const numbers = versionNumbers(r, count, big)
  let t = big ? epoch : epoch + Math.floor(r() * 800 * DAY)
  const versions: VersionRow[] = []
  const tagRows: TagRow[] = []
  let latest: VersionRow | undefined
  for (let k = 0; k < numbers.length; k++) {
    const text = numbers[k] as string
    const parsed = parseVersion(text)
    const isLast = k === numbers.length - 1
    t += big ? 60_000 + Math.floor(r() * 120_000) : 60_000 + Math.floor(r() * 4 * DAY)
    const createdAt = new Date(t).toISOString()
    const updatedAt = new Date(t + Math.floor(r() * 3_600_000)).toISOString()
    const versionTags = [...modelTags]
    if (r() < 0.6) versionTags.push(pickSkewed(r, tags))
    if (big) versionTags.push(rare.bigModelTag)
    let description = `${archLabel} fine-tuned on ${datasetLabel}. ${pick(r, sentences)}`
    if (r() < 0.0001) {
      description += ` Also evaluated on the ${rareWord} benchmark.`
      versionTags.push(rareWord)
    }
    const status = isLast
      ? pickWeighted(r, [
          ['completed', 40],
          ['draft', 20],
          ['training', 15],
          ['deployed', 15],
          ['archived', 10],
        ] as const)
      : pickWeighted(r, [
          ['completed', 50],
          ['archived', 45],
          ['deployed', 5],
        ] as const)
    const stage = isLast
      ? pickWeighted(r, [
          ['development', 45],
          ['staging', 25],
          ['production', 20],
          ['archived', 10],
        ] as const)
      : pickWeighted(r, [
          ['archived', 50],
          ['development', 40],
          ['staging', 5],
          ['production', 5],
        ] as const)
    const author = r() < 0.0002 ? rare.author : r() < 0.8 ? owner : pickSkewed(r, authors)
    const row: VersionRow = {
      id: firstVersionId + k,
      modelId: id,
      version: parsed.text,
      major: parsed.major,
      minor: parsed.minor,
      patch: parsed.patch,
      prerelease: parsed.prerelease,
      sortKey: parsed.sortKey,
      description,
      status,
      stage,
      author,
      license,
      licenseOther,
      tags: [...new Set(versionTags)],
      metrics: `{"accuracy":${(0.7 + r() * 0.29).toFixed(4)},"f1":${(0.6 + r() * 0.35).toFixed(4)},"latency_ms":${(1 + r() * 80).toFixed(1)}}`,
      source: `{"runUrl":"https://mlflow.example.com/#/experiments/${1 + Math.floor(r() * 90)}/runs/${hex(r, 16)}","commit":"${hex(r, 12)}"}`,
      createdBy: author,
      createdAt,
      updatedAt,
    }
    versions.push(row)
    for (const tag of new Set(row.tags.map((x) => x.toLowerCase())))
      tagRows.push({ versionId: row.id, modelId: id, tag })
    // Latest = the highest release (numbers only go up; a release candidate is not a release).
    if (row.prerelease === null) latest = row
  }
  const top = latest ?? (versions[versions.length - 1] as VersionRow)
  const last = versions[versions.length - 1] as VersionRow
  const model: ModelRow = {
    id,
    name,
    nameKey: modelNameKey(name),
    framework,
    frameworkOther,
    taskType,
    taskTypeOther,
    modelType,
    modelTypeOther,
    publicAccess: big || r() < 0.3 ? 1 : 0,
    createdBy: owner,
    createdAt: (versions[0] as VersionRow).createdAt,
    updatedAt: last.updatedAt,
    versionCount: versions.length,
    latestVersionId: top.id,
    searchText: [name, top.description, ...top.tags].join(' ').slice(0, 20_000),
  }
  return { model, versions, tags: tagRows }
}

/** The rows in id order, a few thousand models at a time. */
export function* generate(scale: Scale, modelsPerChunk = 2_000): Generator<Chunk> {
  const counts = versionCounts(scale)
  let nextVersionId = 1
  for (let start = 0; start < scale.models; start += modelsPerChunk) {
    const chunk: Chunk = { models: [], versions: [], tags: [] }
    for (let i = start; i < Math.min(scale.models, start + modelsPerChunk); i++) {
      const made = makeModel(i, counts[i] as number, nextVersionId)
      nextVersionId += made.versions.length
      chunk.models.push(made.model)
      for (const v of made.versions) chunk.versions.push(v)
      for (const t of made.tags) chunk.tags.push(t)
    }
    yield chunk
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Seeding

interface SeedStats {
  models: number
  versions: number
  tags: number
  seconds: number
  sizeBytes: number
}

const modelColumns =
  'id, org_id, name, name_key, framework, framework_other, task_type, task_type_other, model_type, model_type_other, ' +
  'public_access, created_by, created_at, updated_at, version_count, latest_version_id, search_text'
const versionColumns =
  'id, model_id, version, major, minor, patch, prerelease, sort_key, description, status, stage, author, license, ' +
  'license_other, tags, metrics, source, base_model, created_by, created_at, updated_at'

const modelValues = (m: ModelRow, orgId: string) => [
  m.id,
  orgId,
  m.name,
  m.nameKey,
  m.framework,
  m.frameworkOther,
  m.taskType,
  m.taskTypeOther,
  m.modelType,
  m.modelTypeOther,
  m.publicAccess,
  m.createdBy,
  m.createdAt,
  m.updatedAt,
  m.versionCount,
  m.latestVersionId,
  m.searchText,
]
const versionValues = (v: VersionRow) => [
  v.id,
  v.modelId,
  v.version,
  v.major,
  v.minor,
  v.patch,
  v.prerelease,
  v.sortKey,
  v.description,
  v.status,
  v.stage,
  v.author,
  v.license,
  v.licenseOther,
  JSON.stringify(v.tags),
  v.metrics,
  v.source,
  null,
  v.createdBy,
  v.createdAt,
  v.updatedAt,
]

function progress(label: string, done: number, total: number, started: number) {
  if (!process.stdout.isTTY) return
  const s = ((performance.now() - started) / 1000).toFixed(0)
  process.stdout.write(`\r  ${label}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} models (${s} s)  `)
}

/** One connection, prepared statements, one transaction per chunk; the migration's triggers fill the FTS index. */
export function seedSqlite(file: string, orgId: string, scale: Scale): SeedStats {
  const started = performance.now()
  const db = new SqliteDatabase(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = OFF')
    db.pragma('foreign_keys = OFF') // rows are consistent by construction; checks would only slow the load
    db.pragma('cache_size = -262144')
    const q = (n: number) => Array.from({ length: n }, () => '?').join(', ')
    const insertModel = db.prepare(`insert into models (${modelColumns}) values (${q(17)})`)
    const insertVersion = db.prepare(`insert into versions (${versionColumns}) values (${q(21)})`)
    const insertTag = db.prepare('insert into version_tags (version_id, model_id, tag) values (?, ?, ?)')
    const load = db.transaction((chunk: Chunk) => {
      for (const m of chunk.models) insertModel.run(modelValues(m, orgId))
      for (const v of chunk.versions) insertVersion.run(versionValues(v))
      for (const t of chunk.tags) insertTag.run(t.versionId, t.modelId, t.tag)
    })
    const stats = { models: 0, versions: 0, tags: 0 }
    for (const chunk of generate(scale)) {
      load(chunk)
      stats.models += chunk.models.length
      stats.versions += chunk.versions.length
      stats.tags += chunk.tags.length
      progress('sqlite', stats.models, scale.models, started)
    }
    db.pragma('wal_checkpoint(TRUNCATE)')
    const seconds = (performance.now() - started) / 1000
    return { ...stats, seconds, sizeBytes: fs.statSync(file).size }
  } finally {
    db.close()
    if (process.stdout.isTTY) process.stdout.write('\n')
  }
}

/** One client; per chunk one transaction of `insert … select * from unnest($1::bigint[], …)` (a column per array). */
export async function seedPostgres(schema: string, orgId: string, scale: Scale): Promise<SeedStats> {
  const started = performance.now()
  const client = new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${schema},public` })
  await client.connect()
  try {
    await client.query("set synchronous_commit = off; set statement_timeout = '10min'")
    const columns = (rows: unknown[][], width: number) =>
      Array.from({ length: width }, (_, c) => rows.map((row) => row[c]))
    const modelTypes =
      'bigint[], text[], text[], text[], text[], text[], text[], text[], text[], text[], int[], text[], ' +
      'timestamptz[], timestamptz[], int[], bigint[], text[]'
    const versionTypes =
      'bigint[], bigint[], text[], bigint[], bigint[], bigint[], text[], text[], text[], text[], text[], text[], ' +
      'text[], text[], jsonb[], jsonb[], jsonb[], text[], text[], timestamptz[], timestamptz[]'
    const unnest = (types: string) =>
      `select * from unnest(${types
        .split(', ')
        .map((t, i) => `$${i + 1}::${t}`)
        .join(', ')})`
    const modelSql = `insert into models (${modelColumns}) ${unnest(modelTypes)}`
    const versionSql = `insert into versions (${versionColumns}) ${unnest(versionTypes)}`
    const tagSql = `insert into version_tags (version_id, model_id, tag) ${unnest('bigint[], bigint[], text[]')}`
    const stats = { models: 0, versions: 0, tags: 0 }
    const slice = 20_000
    for (const chunk of generate(scale)) {
      await client.query('begin')
      await client.query(
        modelSql,
        columns(
          chunk.models.map((m) => modelValues(m, orgId)),
          17,
        ),
      )
      for (let i = 0; i < chunk.versions.length; i += slice) {
        await client.query(versionSql, columns(chunk.versions.slice(i, i + slice).map(versionValues), 21))
      }
      for (let i = 0; i < chunk.tags.length; i += slice * 2) {
        const part = chunk.tags.slice(i, i + slice * 2)
        await client.query(tagSql, [part.map((t) => t.versionId), part.map((t) => t.modelId), part.map((t) => t.tag)])
      }
      await client.query('commit')
      stats.models += chunk.models.length
      stats.versions += chunk.versions.length
      stats.tags += chunk.tags.length
      progress('postgres', stats.models, scale.models, started)
    }
    if (process.stdout.isTTY) process.stdout.write('\n')
    // Explicit ids were inserted into identity columns: move the sequences past them, as a real registry would be.
    for (const table of ['models', 'versions']) {
      await client.query(
        `select setval(pg_get_serial_sequence('${schema}.${table}', 'id'), (select max(id) from ${table}))`,
      )
    }
    // What autovacuum would do soon after a bulk load: statistics and the visibility map.
    await client.query('vacuum analyze models, versions, version_tags')
    const { rows } = await client.query<{ size: string }>(
      'select sum(pg_total_relation_size(c.oid))::bigint as size from pg_class c where c.relnamespace = $1::regnamespace and c.relkind in ($2, $3)',
      [schema, 'r', 'm'],
    )
    const seconds = (performance.now() - started) / 1000
    return { ...stats, seconds, sizeBytes: Number(rows[0]?.size ?? 0) }
  } finally {
    await client.end()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Measuring

type App = Awaited<ReturnType<typeof buildApp>>
type Response = Awaited<ReturnType<App['inject']>>

/**
 * Who asks: `member` belongs to the organisation without being its admin, so lists apply the visibility rule (public,
 * own or shared models: here the public ones); `admin` is the site admin, who sees every model.
 */
type Persona = 'member' | 'admin'

/** The app as one user: every request carries that user's API token. */
interface Client {
  get(url: string): Promise<Response>
}

interface Case {
  label: string
  /** The URL to time; may page through the API first (cursor cases). */
  url: (client: Client) => Promise<string>
  as?: Persona
}

export interface Timing {
  median: number
  p95: number
  rows: number
}

type Measured = Timing & { url: string; as: Persona }

/** A member of `default` and the site admin, each with a read token, and the viewers the repository sees for them. */
async function personas(app: App, store: Store, db: Db) {
  const now = new Date().toISOString()
  const admin = await db.kysely
    .selectFrom('users')
    .select(['id', 'username'])
    .where('site_admin', '=', 1)
    .executeTakeFirstOrThrow()
  const org = await store.read.organisations.findByName('default')
  if (!org) throw new Error('default organisation missing')
  const member = { id: randomUUID(), username: 'bench.member' }
  await store.read.users.insert({ ...member, siteAdmin: false, createdAt: now, passwordHash: '!' })
  await store.read.users.setMembership(org.id, member.id, 'member', now)
  const clients = {} as Record<Persona, Client>
  for (const [persona, user] of [
    ['member', member],
    ['admin', admin],
  ] as const) {
    const token = `mrt_bench_${randomBytes(24).toString('base64url')}`
    await store.read.credentials.insertToken({
      id: randomUUID(),
      userId: user.id,
      name: 'bench',
      scope: 'read',
      tokenHash: digest(token),
      createdAt: now,
      expiresAt: null,
      lastUsedAt: now,
      revokedAt: null,
    })
    clients[persona] = {
      get: (url) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    }
  }
  const viewers: Record<Persona, Viewer> = {
    member: { userId: member.id, username: member.username, siteAdmin: false },
    admin: { userId: admin.id, username: admin.username, siteAdmin: true },
  }
  return { clients, viewers }
}

async function getJson(client: Client, url: string): Promise<{ items: unknown[]; nextCursor: string | null }> {
  const res = await client.get(url)
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`)
  return res.json()
}

/** Follows nextCursor `pages - 1` times and returns the URL of page `pages`. */
async function pageUrl(client: Client, base: string, pages: number): Promise<string> {
  let url = base
  for (let p = 1; p < pages; p++) {
    const page = await getJson(client, url)
    if (page.nextCursor === null) throw new Error(`${base}: no page ${p + 1}`)
    url = `${base}${base.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}`
  }
  return url
}

function cases(scale: Scale): Case[] {
  const fixed = (url: string) => async () => url
  const models = '/api/v1/models'
  const big = `${models}/default/${encodeURIComponent(bigModelName)}`
  // The member sees about a third of the models: page numbers that exist at smoke scale too.
  const page = Math.min(50, Math.floor(scale.models / 200))
  const searchPage = Math.max(1, Math.min(3, Math.floor(scale.models / 10_000)))
  const deepPages = Math.max(2, Math.floor(scale.bigVersions / 2 / 500))
  // A typical model: the first one of the default list (a handful of versions).
  const typical = async (client: Client, suffix: string) => {
    const page = (await getJson(client, `${models}?limit=1`)) as { items: { org: string; name: string }[] }
    const m = page.items[0]
    if (!m) throw new Error('no model to look up')
    return `${models}/${m.org}/${encodeURIComponent(m.name)}${suffix}`
  }
  return [
    { label: 'models: first page (default sort -updated)', url: fixed(models) },
    { label: `models: page ${page} via cursors (-updated)`, url: (client) => pageUrl(client, models, page) },
    { label: `models: page ${page} via cursors (name)`, url: (client) => pageUrl(client, `${models}?sort=name`, page) },
    ...(['updated', 'name', '-name', 'created', '-created'] as const).map((sort) => ({
      label: `models: sort=${sort}`,
      url: fixed(`${models}?sort=${sort}`),
    })),
    { label: 'models: org=default', url: fixed(`${models}?org=default`) },
    {
      label: 'models: org=default&stage=production&sort=name',
      url: fixed(`${models}?org=default&stage=production&sort=name`),
    },
    { label: 'models: framework=onnx', url: fixed(`${models}?framework=onnx`) },
    { label: 'models: framework=onnx&sort=name', url: fixed(`${models}?framework=onnx&sort=name`) },
    { label: 'models: framework=others&sort=-created', url: fixed(`${models}?framework=others&sort=-created`) },
    { label: 'models: status=deployed', url: fixed(`${models}?status=deployed`) },
    { label: 'models: stage=production', url: fixed(`${models}?stage=production`) },
    { label: 'models: tag=quantized', url: fixed(`${models}?tag=quantized`) },
    { label: 'models: tag=vision&tag=quantized', url: fixed(`${models}?tag=vision&tag=quantized`) },
    { label: `models: tag=${rareWord} (rare)`, url: fixed(`${models}?tag=${rareWord}`) },
    {
      label: `models: tag=${rare.bigModelTag} (1 model, all its versions)`,
      url: fixed(`${models}?tag=${rare.bigModelTag}`),
    },
    { label: 'models: author=kemi.haddad', url: fixed(`${models}?author=kemi.haddad`) },
    { label: `models: author=${rare.author} (rare)`, url: fixed(`${models}?author=${rare.author}`) },
    { label: 'models: author=nobody (no match)', url: fixed(`${models}?author=nobody`) },
    { label: 'models: license=gpl', url: fixed(`${models}?license=gpl`) },
    {
      label: 'models: framework=onnx&stage=production&sort=name',
      url: fixed(`${models}?framework=onnx&stage=production&sort=name`),
    },
    { label: `models: q=${searchTerms.many} (many matches)`, url: fixed(`${models}?q=${searchTerms.many}`) },
    { label: `models: q=${searchTerms.all} (matches every model)`, url: fixed(`${models}?q=${searchTerms.all}`) },
    { label: `models: q=${searchTerms.few} (few matches)`, url: fixed(`${models}?q=${searchTerms.few}`) },
    { label: `models: q=${searchTerms.twoLetters} (2 letters)`, url: fixed(`${models}?q=${searchTerms.twoLetters}`) },
    {
      label: `models: q=${searchTerms.twoLettersRare} (2 letters, rare)`,
      url: fixed(`${models}?q=${searchTerms.twoLettersRare}`),
    },
    {
      label: `models: q=${searchTerms.many}&sort=name, page ${searchPage}`,
      url: (client) => pageUrl(client, `${models}?q=${searchTerms.many}&sort=name`, searchPage),
    },
    {
      label: `models: q=${searchTerms.many}&stage=production`,
      url: fixed(`${models}?q=${searchTerms.many}&stage=production`),
    },
    { label: 'admin: models: first page', url: fixed(models), as: 'admin' },
    { label: 'admin: models: stage=production', url: fixed(`${models}?stage=production`), as: 'admin' },
    { label: `admin: models: tag=${rareWord} (rare)`, url: fixed(`${models}?tag=${rareWord}`), as: 'admin' },
    { label: `admin: models: q=${searchTerms.many}`, url: fixed(`${models}?q=${searchTerms.many}`), as: 'admin' },
    { label: 'model: detail', url: (client) => typical(client, '') },
    {
      label: `versions: first page (model with ${fmtCount(scale.bigVersions)} versions)`,
      url: fixed(`${big}/versions`),
    },
    {
      label: `versions: deep cursor page (after ${fmtCount((deepPages - 1) * 500)} versions)`,
      url: async (client) => {
        const url = await pageUrl(client, `${big}/versions?limit=500`, deepPages)
        return url.replace('limit=500&', '')
      },
    },
    { label: 'versions: first page (typical model)', url: (client) => typical(client, '/versions') },
    { label: 'version: latest (large model)', url: fixed(`${big}/versions/latest`) },
    { label: 'version: latest (typical model)', url: (client) => typical(client, '/versions/latest') },
  ]
}

const WARMUP = 3
/** 1-minute load averages at the start and end of each measuring phase. */
const loads: number[] = []

/** Resolves every URL, warms every path up (JIT, caches) WARMUP times, then times each case `runs` times in turn. */
async function measure(clients: Record<Persona, Client>, list: Case[], runs: number): Promise<Map<string, Measured>> {
  loads.push(os.loadavg()[0] ?? 0)
  const urls: string[] = []
  for (const c of list) urls.push(await c.url(clients[c.as ?? 'member']))
  const rows: number[] = []
  for (let i = 0; i < WARMUP; i++) {
    for (const [k, url] of urls.entries()) {
      rows[k] = (await getJson(clients[list[k]?.as ?? 'member'], url)).items?.length ?? 1
    }
  }
  const out = new Map<string, Measured>()
  for (const [k, c] of list.entries()) {
    const url = urls[k] as string
    const client = clients[c.as ?? 'member']
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      const res = await client.get(url)
      times.push(performance.now() - t0)
      if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`)
    }
    times.sort((a, b) => a - b)
    const median = quantile(times, 0.5)
    out.set(c.label, { median, p95: quantile(times, 0.95), rows: rows[k] ?? 0, url, as: c.as ?? 'member' })
    console.log(`  ${c.label.padEnd(62)} ${median.toFixed(2).padStart(8)} ms  (${rows[k]} rows)`)
  }
  loads.push(os.loadavg()[0] ?? 0)
  return out
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo)
}

// ---------------------------------------------------------------------------------------------------------------
// Explaining

/**
 * Runs the list query of a models URL once through a ModelRepository whose Kysely logs every statement (the
 * service's mapping of the query string), then explains the slowest statement.
 */
async function explainSlowest(target: Target, url: string, viewer: Viewer): Promise<string> {
  const logged: LogEvent[] = []
  const logging = loggingDb(target, (e) => logged.push(e))
  try {
    const params = new URL(url, 'http://bench.invalid').searchParams
    const one = (k: string) => params.get(k) ?? undefined
    await new ModelRepository(logging.kysely, logging.dialect).list({
      viewer,
      q: one('q'),
      org: one('org'),
      framework: one('framework'),
      status: one('status'),
      stage: one('stage'),
      author: one('author'),
      license: one('license'),
      tags: params.getAll('tag'),
      sort: (one('sort') ?? '-updated') as ModelSort,
      limit: Number(one('limit') ?? 50),
      cursor: one('cursor'),
    })
    const slowest = logged
      .filter((e) => e.level === 'query')
      .sort((a, b) => b.queryDurationMillis - a.queryDurationMillis)[0]
    if (!slowest) return '(no query)'
    const { sql, parameters } = slowest.query
    const explain =
      target.dialect === 'sqlite' ? `explain query plan ${sql}` : `explain (analyze, costs off, summary on) ${sql}`
    const result = await logging.kysely.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(explain, [...parameters]),
    )
    const plan =
      target.dialect === 'sqlite'
        ? sqlitePlan(result.rows as { id: number; parent: number; detail: string }[])
        : result.rows.map((r) => String(r['QUERY PLAN'])).join('\n')
    return `-- ${slowest.queryDurationMillis.toFixed(1)} ms\n${oneLine(sql)}\n${plan}`
  } finally {
    await logging.close()
  }
}

const oneLine = (sql: string) => (sql.length > 600 ? `${sql.slice(0, 600)} …` : sql).replace(/\s+/g, ' ')

function sqlitePlan(rows: { id: number; parent: number; detail: string }[]): string {
  const depth = new Map<number, number>([[0, 0]])
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1
      depth.set(r.id, d)
      return `${'  '.repeat(d - 1)}${r.detail}`
    })
    .join('\n')
}

/** Where a database lives, to open a second connection to it. */
type Target = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; schema: string }

/** A second connection to the same database with query logging (kept apart from the timed app). */
function loggingDb(target: Target, log: (e: LogEvent) => void): Db {
  if (target.dialect === 'sqlite') {
    const database = new SqliteDatabase(target.file)
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log })
    return { kysely, dialect: 'sqlite', close: () => kysely.destroy() }
  }
  const { schema } = target
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 2, options: `-c search_path=${schema},public` })
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log })
  return { kysely, dialect: 'postgres', close: () => kysely.destroy() }
}

// ---------------------------------------------------------------------------------------------------------------
// One database, end to end

interface DialectRun {
  dialect: Dialect
  seed: SeedStats
  timings: Map<string, Measured>
  plans: { label: string; median: number; plan: string }[]
  version: string
}

async function runSqlite(scale: Scale, runs: number): Promise<DialectRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-'))
  const file = path.join(dir, 'registry.sqlite')
  try {
    const options = { database: { kind: 'sqlite' as const, file }, blobRoot: path.join(dir, 'blobs') }
    const migrated = await openRegistry(options)
    const org = await migrated.store.read.organisations.findByName('default')
    await migrated.db.close()
    if (!org) throw new Error('default organisation missing')
    console.log('sqlite: seeding')
    const seed = seedSqlite(file, org.id, scale)
    console.log(`sqlite: seeded in ${seed.seconds.toFixed(1)} s; measuring`)
    const registry = await openRegistry(options)
    try {
      const app = await buildApp({ db: registry.db, services: registry.services })
      const { clients, viewers } = await personas(app, registry.store, registry.db)
      const timings = await measure(clients, cases(scale), runs).finally(() => app.close())
      const plans = await explainTop({ dialect: 'sqlite', file }, timings, viewers)
      const { rows } = await registry.db.kysely.executeQuery<{ v: string }>(
        CompiledQuery.raw('select sqlite_version() as v'),
      )
      return { dialect: 'sqlite', seed, timings, plans, version: `SQLite ${rows[0]?.v}` }
    } finally {
      await registry.db.close()
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 5000 })
  try {
    await c.connect()
  } catch (err) {
    throw new Error(`PostgreSQL is not reachable at ${postgresUrl} (${String(err)}); set BENCH_DATABASE_URL`)
  }
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

async function runPostgres(scale: Scale, runs: number): Promise<DialectRun> {
  const schema = `bench_${randomBytes(6).toString('hex')}`
  const version = await admin(async (c) => {
    await c.query('create extension if not exists pg_trgm with schema public')
    // Schemas left by an interrupted run.
    const { rows } = await c.query<{ nspname: string }>(
      "select nspname from pg_namespace where nspname like 'bench\\_%'",
    )
    for (const { nspname } of rows) await c.query(`drop schema if exists "${nspname}" cascade`)
    await c.query(`create schema ${schema}`)
    return (await c.query<{ server_version: string }>('show server_version')).rows[0]?.server_version ?? '?'
  })
  const blobRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-bench-blobs-'))
  try {
    const options = {
      database: { kind: 'postgres' as const, url: postgresUrl },
      blobRoot,
      pgSchema: `${schema},public`,
    }
    const migrated = await openRegistry(options)
    const org = await migrated.store.read.organisations.findByName('default')
    await migrated.db.close()
    if (!org) throw new Error('default organisation missing')
    console.log(`postgres: seeding schema ${schema}`)
    const seed = await seedPostgres(schema, org.id, scale)
    console.log(`postgres: seeded in ${seed.seconds.toFixed(1)} s; measuring`)
    const registry = await openRegistry(options)
    try {
      const app = await buildApp({ db: registry.db, services: registry.services })
      const { clients, viewers } = await personas(app, registry.store, registry.db)
      const timings = await measure(clients, cases(scale), runs).finally(() => app.close())
      const plans = await explainTop({ dialect: 'postgres', schema }, timings, viewers)
      return { dialect: 'postgres', seed, timings, plans, version: `PostgreSQL ${version.split(' ')[0]}` }
    } finally {
      await registry.db.close()
    }
  } finally {
    fs.rmSync(blobRoot, { recursive: true, force: true })
    await admin((c) => c.query(`drop schema if exists ${schema} cascade`))
  }
}

/** Plans of the three slowest models-list requests. */
async function explainTop(target: Target, timings: Map<string, Measured>, viewers: Record<Persona, Viewer>) {
  const top = [...timings.entries()]
    .filter(([label]) => label.includes('models:'))
    .sort((a, b) => b[1].median - a[1].median)
    .slice(0, 3)
  const plans: DialectRun['plans'] = []
  for (const [label, t] of top)
    plans.push({ label, median: t.median, plan: await explainSlowest(target, t.url, viewers[t.as]) })
  return plans
}

// ---------------------------------------------------------------------------------------------------------------
// Report

const fmtCount = (n: number) =>
  n >= 1_000_000 && n % 100_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}k`
      : n.toLocaleString('en')
const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1))

function table(runs: DialectRun[]): string {
  const sqlite = runs.find((r) => r.dialect === 'sqlite')
  const postgres = runs.find((r) => r.dialect === 'postgres')
  const labels = [...((sqlite ?? postgres)?.timings.keys() ?? [])]
  const lines = [
    '| Request | SQLite median | SQLite p95 | PostgreSQL median | PostgreSQL p95 | PG / SQLite | Rows |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const label of labels) {
    const s = sqlite?.timings.get(label)
    const p = postgres?.timings.get(label)
    const ratio = s && p ? `${(p.median / s.median).toFixed(2)}×` : '–'
    lines.push(
      `| ${label.replace(/\|/g, '\\|')} | ${ms(s?.median)} | ${ms(s?.p95)} | ${ms(p?.median)} | ${ms(p?.p95)} | ${ratio} | ${(s ?? p)?.rows ?? ''} |`,
    )
  }
  return lines.join('\n')
}

/**
 * When a member's first page costs several times the site admin's, says why: the visibility rule's plan shape.
 * Empty when the two are close (then there is nothing to explain).
 */
function visibilityNote(results: DialectRun[]): string {
  const slow = results.flatMap((r) => {
    const member = r.timings.get('models: first page (default sort -updated)')?.median
    const admin = r.timings.get('admin: models: first page')?.median
    return member !== undefined && admin !== undefined && member > 3 * admin
      ? [`${r.version}: ${ms(member)} ms for the member, ${ms(admin)} ms for the admin`]
      : []
  })
  if (slow.length === 0) return ''
  return `**Visibility costs most.** A member's list carries the visibility rule (\`repositories/visibility.ts\`): EXISTS
subqueries on memberships and grants, correlated to each model and joined by OR. The planners can then no longer walk the
sort index and stop after a page: PostgreSQL joins and sorts every visible model (see its plans below), SQLite probes
the memberships row by row. First page, default sort: ${slow.join('; ')}. The "admin:" rows have no visibility
condition.

`
}

function machine(): string {
  const cpus = os.cpus()
  const gb = (os.totalmem() / 2 ** 30).toFixed(0)
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${gb} GB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`
}

/** Seeds and measures both databases (BENCH_DIALECTS=sqlite,postgres); returns the docs section. */
export async function listSearchBench(): Promise<BenchSection> {
  const scale = scaleFromEnv()
  const runs = envInt('BENCH_RUNS', 30)
  const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim())
  const title = `List and search at ${fmtCount(scale.models)} models / ${fmtCount(scale.versions)} versions`
  console.log(`\n== ${title} (one model with ${fmtCount(scale.bigVersions)} versions), ${runs} runs per request ==`)
  const results: DialectRun[] = []
  if (dialects.includes('sqlite')) results.push(await runSqlite(scale, runs))
  if (dialects.includes('postgres')) results.push(await runPostgres(scale, runs))
  if (results.length === 0) throw new Error('BENCH_DIALECTS names neither sqlite nor postgres')

  const seedLine = (r: DialectRun) =>
    `${r.version}: ${r.seed.seconds.toFixed(0)} s for ${r.seed.models.toLocaleString('en')} models, ` +
    `${r.seed.versions.toLocaleString('en')} versions and ${r.seed.tags.toLocaleString('en')} version tags ` +
    `(${(r.seed.sizeBytes / 2 ** 20).toFixed(0)} MB on disk)`
  const grid = table(results)
  const plans = results
    .map(
      (r) =>
        `#### ${r.version}\n\n${r.plans
          .map((p) => `**${p.label}** (median ${ms(p.median)} ms)\n\n\`\`\`\n${p.plan}\n\`\`\``)
          .join('\n\n')}`,
    )
    .join('\n\n')
  const markdown = `## ${title}

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${results.map((r) => r.version).join(' and ')}
(PostgreSQL on 127.0.0.1 with its default settings; SQLite a WAL file in the temp directory, as the registry opens it).

**Data.** ${scale.models.toLocaleString('en')} models with ${scale.versions.toLocaleString('en')} versions: one model
(\`${bigModelName}\`) has ${scale.bigVersions.toLocaleString('en')} versions, the others
${((scale.versions - scale.bigVersions) / (scale.models - 1)).toFixed(1)} on average (1 to about twice that). Names mix
\`team-arch-dataset-id\` and \`Arch Dataset 123\`; five frameworks (XGBoost/LightGBM/CatBoost as Others), 1–4 tags per
version from ${tags.length} with a skewed popularity, ${authors.length} authors, six licenses, semver histories with
patch/minor/major bumps and release candidates. Rare values, to test the other end: about 1 version in 10,000 has
"${rareWord}" in its description and tags, 1 in 5,000 the author \`${rare.author}\`, and only the large model's
versions carry the tag \`${rare.bigModelTag}\`.

**Seeding.** The schema comes from the real migrations (\`openRegistry\`); rows are then inserted directly with SQL,
the same deterministic rows on both databases, with \`latest_version_id\`, \`version_count\`, \`search_text\` and
\`version_tags\` filled as the services keep them and \`sort_key\` from \`parseVersion\`. SQLite: one connection,
prepared statements, one transaction per 2,000 models, \`synchronous=OFF\` and foreign-key checks off while loading; the
migration's triggers fill the FTS5 index; no \`ANALYZE\` (the registry does not run one). PostgreSQL: per 2,000 models one
transaction of \`insert … select * from unnest($1::bigint[], …)\` batches of 20,000 rows, \`synchronous_commit=off\`, then
\`vacuum analyze\` (what autovacuum does after a bulk load).

${results.map((r) => `- ${seedLine(r)}`).join('\n')}

**Measuring.** Through the whole HTTP layer: \`buildApp()\` + \`app.inject()\` (routing, validation, services, SQL,
serialisation), one request at a time, ${WARMUP} warm-up requests then ${runs} timed ones; median and p95 in
milliseconds; default \`limit\` (50). "Page 50 via cursors" follows \`nextCursor\` 49 times and times the 50th page.
"Rows" is the number of items in the page. Requests carry an API token: rows without a prefix are those of a member
of the organisation (not its admin), so lists apply the visibility rule and show the public models (30% of them, and
the large one); rows marked "admin:" are the site admin's, who sees every model.

${grid}

The load average (1 min) was ${loads.map((l) => l.toFixed(1)).join(' → ')} over the measured part of the run: other work on
the machine shows up in the p95 column first.

${visibilityNote(results)}### How the list stays fast

- **No facet:** one range of one index: the sort's own (\`updated_at, id\`, \`created_at, id\`, \`name_key, id\`), or
  (\`org_id\` | \`framework\`, sort column, \`id\`) when filtered by organisation or framework. A cursor page starts
  inside that range, so page 50 costs what page 1 does.
- **Facets** (status, stage, author, license, tags: "any version has it"): tested model by model while the sort index
  is scanned, which fills a page within a few rows for a common value. The scan is bounded to 50 pages of rows; when
  that window holds less than a page the value is rare, and the page is built from the models that have the rarest
  facet instead (the \`(value, model_id)\` indexes of \`versions\` and \`version_tags\`), then sorted. The dearest
  case left is a value only the ${fmtCount(scale.bigVersions)}-version model has (\`tag=nightly\`): its index entries are read
  one per version.
- **Search:** PostgreSQL runs \`ILIKE\` over the \`pg_trgm\` GIN index and its planner picks the index (rare term) or
  the ordered scan (common term). SQLite asks the FTS5 trigram index for up to 2,000 matches; fewer, and the page is
  built from them; more, and the ordered scan tests \`LIKE\` row by row (ASCII terms) until the page is full.
- **Known limit:** a 1–2 letter term has no index on either database (trigrams need 3 characters), so a rare one
  (\`q=${searchTerms.twoLettersRare}\`) reads every model.
- **Versions:** keyset on the unique \`(model_id, sort_key)\` index, so the first page and a page 100,000 versions deep
  of the large model cost the same, and \`latest\` is one index probe.

### Query plans of the slowest requests

The slowest SQL statement of each of the three slowest models-list requests per database: \`EXPLAIN QUERY PLAN\` on SQLite,
\`EXPLAIN ANALYZE\` on PostgreSQL.

${plans}
`
  return {
    title,
    summary: `${title}\n\n${grid}\n\n${results.map(seedLine).join('\n')}`,
    markdown,
    fullScale: isDefaultScale(scale) && results.length === 2,
  }
}
