// Values of the Create Model / Edit form, their checks before submit, and the API bodies they become.
import type { CreateModelBody, Model, UpdateModelBody, UpdateVersionBody, Version } from '@modelreg/contract'
import { modelNameProblem, versionLimits } from '@modelreg/contract/rules'

export interface ModelFormValues {
  org: string
  name: string
  version: string
  description: string
  framework: string
  frameworkOther: string
  taskType: string
  taskTypeOther: string
  modelType: string
  modelTypeOther: string
  status: string
  tags: string
  author: string
  license: string
  licenseOther: string
  publicAccess: boolean
}

/** The product doc's defaults: Version 1.0.0, Task Type classification, Model Type custom, Status draft. */
export const emptyModelForm = (org = 'default'): ModelFormValues => ({
  org,
  name: '',
  version: '1.0.0',
  description: '',
  framework: '',
  frameworkOther: '',
  taskType: 'classification',
  taskTypeOther: '',
  modelType: 'custom',
  modelTypeOther: '',
  status: 'draft',
  tags: '',
  author: '',
  license: '',
  licenseOther: '',
  publicAccess: false,
})

export function formFromModel(m: Model, v: Version | undefined): ModelFormValues {
  return {
    org: m.org,
    name: m.name,
    version: v?.version ?? '',
    description: v?.description ?? '',
    framework: m.framework,
    frameworkOther: m.frameworkOther ?? '',
    taskType: m.taskType,
    taskTypeOther: m.taskTypeOther ?? '',
    modelType: m.modelType,
    modelTypeOther: m.modelTypeOther ?? '',
    status: v?.status ?? 'draft',
    tags: v?.tags.join(', ') ?? '',
    author: v?.author ?? '',
    license: v?.license ?? '',
    licenseOther: v?.licenseOther ?? '',
    publicAccess: m.publicAccess,
  }
}

/** The doc's editable fields; everything else is shown locked in the Edit form. */
export const editableFields = new Set<keyof ModelFormValues>([
  'description',
  'tags',
  'status',
  'author',
  'license',
  'licenseOther',
  'publicAccess',
])

export const parseTags = (text: string) => [
  ...new Set(
    text
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  ),
]

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

export function isSemver(v: string): boolean {
  return SEMVER.test(v.trim())
}

/** Messages shown at each field before submit; the server checks again and its messages land at the same fields. */
export function validateModelForm(
  v: ModelFormValues,
  mode: 'create' | 'edit',
): Partial<Record<keyof ModelFormValues, string>> {
  const e: Partial<Record<keyof ModelFormValues, string>> = {}
  if (mode === 'create') {
    const name = v.name.trim()
    const nameProblem = name ? modelNameProblem(name) : 'Model Name is required'
    if (nameProblem) e.name = nameProblem
    if (!v.version.trim()) e.version = 'Version is required'
    else if (!isSemver(v.version)) e.version = 'Use a semantic version such as 1.0.0'
    if (!v.framework) e.framework = 'Select a framework'
    if (v.framework === 'others' && !v.frameworkOther.trim()) e.frameworkOther = 'Name the framework'
    if (v.taskType === 'others' && !v.taskTypeOther.trim()) e.taskTypeOther = 'Name the task type'
    if (v.modelType === 'others' && !v.modelTypeOther.trim()) e.modelTypeOther = 'Name the model type'
  }
  if (v.license === 'others' && !v.licenseOther.trim()) e.licenseOther = 'Name the license'
  const tags = parseTags(v.tags)
  if (tags.length > versionLimits.tags) e.tags = `At most ${versionLimits.tags} tags`
  else if (tags.some((t) => t.length > versionLimits.tagLength)) {
    e.tags = `Each tag can be at most ${versionLimits.tagLength} characters`
  }
  if (v.author.length > versionLimits.authorLength) e.author = `At most ${versionLimits.authorLength} characters`
  return e
}

const other = (choice: string, text: string) => (choice === 'others' ? text.trim() : undefined)

export function createBody(v: ModelFormValues): CreateModelBody {
  return {
    org: v.org || undefined,
    name: v.name.trim(),
    version: v.version.trim(),
    description: v.description || undefined,
    framework: v.framework as CreateModelBody['framework'],
    frameworkOther: other(v.framework, v.frameworkOther),
    taskType: v.taskType as CreateModelBody['taskType'],
    taskTypeOther: other(v.taskType, v.taskTypeOther),
    modelType: v.modelType as CreateModelBody['modelType'],
    modelTypeOther: other(v.modelType, v.modelTypeOther),
    status: v.status as CreateModelBody['status'],
    tags: parseTags(v.tags),
    author: v.author.trim() || undefined,
    license: (v.license || undefined) as CreateModelBody['license'],
    licenseOther: other(v.license, v.licenseOther),
    publicAccess: v.publicAccess,
  }
}

/** Only what changed: the version's fields and the model's Public Access go to their own endpoints. */
export function editBodies(
  before: ModelFormValues,
  after: ModelFormValues,
): { version?: UpdateVersionBody; model?: UpdateModelBody } {
  const version: UpdateVersionBody = {}
  if (after.description !== before.description) version.description = after.description
  if (after.status !== before.status) version.status = after.status as UpdateVersionBody['status']
  if (parseTags(after.tags).join(',') !== parseTags(before.tags).join(',')) version.tags = parseTags(after.tags)
  if (after.author !== before.author) version.author = after.author.trim()
  if (after.license !== before.license || after.licenseOther !== before.licenseOther) {
    if (after.license) version.license = after.license as NonNullable<UpdateVersionBody['license']>
    if (after.license === 'others') version.licenseOther = after.licenseOther.trim()
  }
  const out: { version?: UpdateVersionBody; model?: UpdateModelBody } = {}
  if (Object.keys(version).length) out.version = version
  if (after.publicAccess !== before.publicAccess) out.model = { publicAccess: after.publicAccess }
  return out
}
