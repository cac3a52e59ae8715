// The registry names request fields (frameworkOther); the user typed flags (--framework-other). Validation
// messages are reworded with the flags, so the error points at what to change on the command line.

/** Request field -> the flag that sets it, for every field a command of this CLI sends. */
export const flagOfField: Readonly<Record<string, string>> = {
  framework: '--framework',
  frameworkOther: '--framework-other',
  taskType: '--task-type',
  taskTypeOther: '--task-type-other',
  modelType: '--model-type',
  modelTypeOther: '--model-type-other',
  description: '--description',
  status: '--status',
  tags: '--tag',
  author: '--author',
  license: '--license',
  licenseOther: '--license-other',
  metrics: '--metric',
  baseModel: '--base-model',
  publicAccess: '--public',
  comment: '--comment',
  archivePrevious: '--archive-previous',
  environment: '--env',
  endpoint: '--endpoint',
}

/** The fields an error names in its details: `{ field }` (rules) or `{ errors: [{ field }] }` (schema). */
export function fieldsOf(details: unknown): string[] {
  if (typeof details !== 'object' || details === null) return []
  const { field, errors } = details as { field?: unknown; errors?: unknown }
  const fields = typeof field === 'string' ? [field] : []
  if (Array.isArray(errors)) {
    for (const e of errors) {
      const f = (e as { field?: unknown } | null)?.field
      if (typeof f === 'string') fields.push(f)
    }
  }
  return fields
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * `frameworkOther is required when framework is "others"` -> `--framework-other is required when --framework
 * is "others"`; `author: must not have more than 200 characters` -> `--author: must not ...`. Only the fields
 * the error names are touched: a leading field name, any camelCase one (never an English word), and the
 * choice an `…Other` field belongs to.
 */
export function flagsInMessage(message: string, details: unknown): string {
  let out = message
  for (const field of fieldsOf(details)) {
    const [base = field, ...rest] = field.split('.')
    const flag = flagOfField[base]
    if (!flag) continue
    const nested = rest.length ? ` ${rest.join('.')}` : ''
    out = out.replace(new RegExp(`^${escapeRegExp(field)}(?=[: ])`), `${flag}${nested}`)
    if (/[A-Z]/.test(base)) out = out.replace(new RegExp(`(?<![-\\w])${escapeRegExp(base)}(?!\\w)`, 'g'), flag)
    const choice = base.endsWith('Other') ? base.slice(0, -'Other'.length) : undefined
    const choiceFlag = choice ? flagOfField[choice] : undefined
    if (choice && choiceFlag) {
      out = out.replace(new RegExp(`(?<![-\\w])${escapeRegExp(choice)}(?= is "others")`, 'g'), choiceFlag)
    }
  }
  return out
}
