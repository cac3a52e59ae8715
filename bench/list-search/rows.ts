// The list/search benchmark's data: its scale, and deterministic, realistic rows typed by the server's schema
// (db/schema.ts), with the summary columns (latest version, count, search text, top stage) filled by the server's rules.
import type { Insertable } from 'kysely'
import type { ModelTable, VersionTable, VersionTagTable } from '../../apps/server/src/db/schema.js'
import { modelNameKey } from '../../apps/server/src/domain/names.js'
import { modelSearchText } from '../../apps/server/src/domain/search-text.js'
import { parseVersion } from '../../apps/server/src/domain/version-number.js'
import { stagePrecedence } from '../../apps/server/src/repositories/version.repository.js'

// ---------------------------------------------------------------------------------------------------------------
// Scale

export interface Scale {
  models: number
  versions: number
  /** Versions of the one very large model (the versions page must not load them all). */
  bigVersions: number
}

const defaultScale: Scale = { models: 100_000, versions: 1_000_000, bigVersions: 200_000 }

export function envInt(name: string, fallback: number): number {
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

/** 100000 → 100k, 1000000 → 1M: the scale as the report's titles write it. */
export const fmtCount = (n: number) =>
  n >= 1_000_000 && n % 100_000 === 0
    ? `${n / 1_000_000}M`
    : n >= 1000 && n % 1000 === 0
      ? `${n / 1000}k`
      : n.toLocaleString('en')

export const isDefaultScale = (s: Scale) =>
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
export const tags = [
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
export const authors = firstNames.flatMap((f) => lastNames.map((l) => `${f}.${l}`))
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
export const rareWord = searchTerms.few
/** Facet values that only a few models have: an occasional guest author (1 version in 5,000), the large model's tag. */
export const rare = { author: 'guest.researcher', bigModelTag: 'nightly' } as const
/** The model with `bigVersions` versions. */
export const bigModelName = 'assistant-llm-nightly'

/**
 * A models row as the server's schema types it (db/schema.ts), every column given; the organisation is added when
 * written. The compiler refuses a column the schema does not have or a missing one.
 */
export type ModelRow = Omit<Required<Insertable<ModelTable>>, 'org_id'>

/** A versions row as the server's schema types it; tags stay an array until written (JSON). */
export type VersionRow = Omit<Required<Insertable<VersionTable>>, 'tags'> & { tags: string[] }

/** A version_tags row. */
export type TagRow = Required<Insertable<VersionTagTable>>

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

/** Shapes the version numbers of the large model (index 0) when the default nightly run does not fit the benchmark. */
export type BigNumbers = (n: number) => string[]

function makeModel(
  index: number,
  count: number,
  firstVersionId: number,
  bigNumbers?: BigNumbers,
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

  const numbers = big && bigNumbers ? bigNumbers(count) : versionNumbers(r, count, big)
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
      model_id: id,
      version: parsed.text,
      major: parsed.major,
      minor: parsed.minor,
      patch: parsed.patch,
      prerelease: parsed.prerelease,
      sort_key: parsed.sortKey,
      description,
      status,
      stage,
      author,
      license,
      license_other: licenseOther,
      tags: [...new Set(versionTags)],
      metrics: `{"accuracy":${(0.7 + r() * 0.29).toFixed(4)},"f1":${(0.6 + r() * 0.35).toFixed(4)},"latency_ms":${(1 + r() * 80).toFixed(1)}}`,
      source: `{"runUrl":"https://mlflow.example.com/#/experiments/${1 + Math.floor(r() * 90)}/runs/${hex(r, 16)}","commit":"${hex(r, 12)}"}`,
      base_model: null,
      created_by: author,
      created_at: createdAt,
      updated_at: updatedAt,
      sequence: k + 1,
      run_id: null,
      source_uri: null,
    }
    versions.push(row)
    for (const tag of new Set(row.tags.map((x) => x.toLowerCase())))
      tagRows.push({ version_id: row.id, model_id: id, tag })
    // Latest = the highest release (numbers only go up; a release candidate is not a release).
    if (row.prerelease === null) latest = row
  }
  const top = latest ?? (versions[versions.length - 1] as VersionRow)
  const last = versions[versions.length - 1] as VersionRow
  const topStage = topStageOf(versions)
  const model: ModelRow = {
    id,
    name,
    name_key: modelNameKey(name),
    framework,
    framework_other: frameworkOther,
    task_type: taskType,
    task_type_other: taskTypeOther,
    model_type: modelType,
    model_type_other: modelTypeOther,
    public_access: big || r() < 0.3 ? 1 : 0,
    created_by: owner,
    created_at: (versions[0] as VersionRow).created_at,
    updated_at: last.updated_at,
    version_count: versions.length,
    latest_version_id: top.id,
    search_text: modelSearchText(name, top),
    top_stage: topStage?.stage ?? null,
    top_stage_version_id: topStage?.id ?? null,
    // The seed writes no artifacts and counts no downloads.
    latest_status: top.status,
    artifact_count: 0,
    artifact_bytes: 0,
    download_count: 0,
    last_sequence: versions.length,
    description: '',
  }
  return { model, versions, tags: tagRows }
}

/** The model's top stage as the services keep it: the first of stagePrecedence held, by its highest version. */
function topStageOf(versions: readonly VersionRow[]): { stage: string; id: number } | undefined {
  for (const stage of stagePrecedence) {
    let best: VersionRow | undefined
    for (const v of versions) if (v.stage === stage && (best === undefined || v.sort_key > best.sort_key)) best = v
    if (best) return { stage, id: best.id }
  }
  return undefined
}

/** The rows in id order, a few thousand models at a time; `bigNumbers` replaces the large model's nightly numbers. */
export function* generate(scale: Scale, modelsPerChunk = 2_000, bigNumbers?: BigNumbers): Generator<Chunk> {
  const counts = versionCounts(scale)
  let nextVersionId = 1
  for (let start = 0; start < scale.models; start += modelsPerChunk) {
    const chunk: Chunk = { models: [], versions: [], tags: [] }
    for (let i = start; i < Math.min(scale.models, start + modelsPerChunk); i++) {
      const made = makeModel(i, counts[i] as number, nextVersionId, bigNumbers)
      nextVersionId += made.versions.length
      chunk.models.push(made.model)
      for (const v of made.versions) chunk.versions.push(v)
      for (const t of made.tags) chunk.tags.push(t)
    }
    yield chunk
  }
}
