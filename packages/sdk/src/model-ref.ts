// Model references as users type them: `org/name@version`, `name@version` (organisation "default"),
// `name` or `name@latest` (the latest version).

export interface ModelRef {
  org: string
  name: string
  /** A version reference: a semantic version, 'latest', a stage, an alias or an npm range (the registry resolves it). */
  version: string
  /** Whether the text named a version (push needs one; show/pull default to latest). */
  explicitVersion: boolean
}

export const DEFAULT_ORG = 'default'

/**
 * @example
 * parseModelRef('vision/resnet50@1.2.0') // { org: 'vision', name: 'resnet50', version: '1.2.0', ... }
 * parseModelRef('resnet50')              // { org: 'default', name: 'resnet50', version: 'latest', ... }
 */
export function parseModelRef(text: string): ModelRef {
  const at = text.lastIndexOf('@')
  const model = at === -1 ? text : text.slice(0, at)
  const version = at === -1 ? '' : text.slice(at + 1)
  const slash = model.indexOf('/')
  const org = slash === -1 ? DEFAULT_ORG : model.slice(0, slash)
  const name = slash === -1 ? model : model.slice(slash + 1)
  if (org === '' || name === '' || name.includes('/')) {
    throw new SyntaxError(`"${text}" is not a model reference; write org/name@version, name@version or name`)
  }
  if (at !== -1 && version === '') throw new SyntaxError(`"${text}" ends with "@"; name a version or write @latest`)
  return { org, name, version: version || 'latest', explicitVersion: version !== '' && version !== 'latest' }
}

export function formatModelRef(ref: Pick<ModelRef, 'org' | 'name'> & { version?: string }): string {
  return `${ref.org}/${ref.name}${ref.version ? `@${ref.version}` : ''}`
}
