// Rules that the server enforces and the web form and CLI check before sending: one copy, no typebox, so
// browser bundles and the CLI import it cheaply (@modelreg/contract/rules, re-exported by @modelreg/sdk).

/** Model Name: letters, digits, " ", ".", "-", "_"; not starting with "." or a space. Counted in code points. */
export const MODEL_NAME_MAX = 128
const MODEL_NAME = new RegExp(`^[\\p{L}\\p{N}_-][\\p{L}\\p{N} ._-]{0,${MODEL_NAME_MAX - 1}}$`, 'u')

/**
 * What is wrong with a Model Name, or undefined when it is acceptable. Judged on its NFC form, which is what the
 * registry stores.
 * @example
 * modelNameProblem('resnet50-imagenet') // undefined
 * modelNameProblem('.hidden') // 'Model Name must be 1–128 letters, …'
 */
export function modelNameProblem(input: string): string | undefined {
  const name = input.normalize('NFC')
  if (!MODEL_NAME.test(name) || [...name].length > MODEL_NAME_MAX) {
    return `Model Name must be 1–${MODEL_NAME_MAX} letters, digits, spaces, "-", "_" or ".", and must not start with "." or a space`
  }
  if (name.endsWith(' ')) return 'Model Name must not end with a space'
  return undefined
}

/** Organisation names: lower-case, as they appear in paths. */
export const ORG_NAME_MAX = 64
const ORG_NAME = new RegExp(`^[a-z0-9][a-z0-9_-]{0,${ORG_NAME_MAX - 1}}$`)
export const isOrgName = (input: string): boolean => ORG_NAME.test(input)

/** Sizes of a version's fields; the contract's schemas and the web form's checks both read these. */
export const versionLimits = {
  /** Tags per version. */
  tags: 32,
  /** Characters per tag. */
  tagLength: 64,
  /** Characters of Author. */
  authorLength: 200,
} as const

/** Every event the registry records, in its event log and to webhooks (which may subscribe to any of them). */
export const eventTypes = [
  'model.created',
  'model.updated',
  'model.deleted',
  'version.created',
  'version.updated',
  'version.deleted',
  'stage.changed',
  'alias.moved',
  'deployment.started',
  'deployment.stopped',
  'artifact.uploaded',
  'artifact.deleted',
  'inspection.completed',
] as const

/** Hugging Face Hub repo names (the /hf API): 1–96 of [A-Za-z0-9_.-], starting and ending with a letter or digit, no "--" or "..". */
const HUB_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9])?$/

export const isHubName = (name: string): boolean =>
  HUB_NAME.test(name) && !name.includes('--') && !name.includes('..') && !name.toLowerCase().endsWith('.git')

/**
 * The repo name a model is served under: its own name when the Hub accepts it, else a slug. Every run of
 * characters the Hub refuses (spaces, non-ASCII letters) becomes one "-", "--" and ".." collapse, the ends are
 * trimmed to a letter or digit, and the result is cut at 96 characters. A name with nothing left is "model".
 * @example
 * hubName('resnet50-imagenet')     // 'resnet50-imagenet'
 * hubName('XGBoost House Prices')  // 'XGBoost-House-Prices'
 */
export function hubName(name: string): string {
  if (isHubName(name)) return name
  let slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/[-.]{2,}/g, (run) => (run.includes('-') ? '-' : '.'))
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '')
  slug = slug.slice(0, 96).replace(/[^A-Za-z0-9]+$/, '')
  if (slug.toLowerCase().endsWith('.git')) slug = slug.slice(0, -4).replace(/[^A-Za-z0-9]+$/, '')
  return slug === '' ? 'model' : slug
}
