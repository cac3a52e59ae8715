// Model and organisation names: what may be typed, and the key that makes them unique case-insensitively.
// The rules themselves are the contract's (@modelreg/contract/rules), shared with the web form and the CLI.
import { isOrgName, modelNameProblem } from '@modelreg/contract'
import { ValidationError } from '../errors.js'

/** The name as stored (NFC), or a ValidationError on field "name". */
export function checkModelName(input: string): string {
  const problem = modelNameProblem(input)
  if (problem !== undefined) throw new ValidationError(problem, { field: 'name' })
  return input.normalize('NFC')
}

/** Uniqueness key: NFC + lower case, so "ResNet" and "resnet" are the same model. */
export const modelNameKey = (name: string) => name.normalize('NFC').toLowerCase()

export function checkOrgName(input: string): string {
  if (!isOrgName(input)) {
    throw new ValidationError('organisation names are 1–64 lower-case letters, digits, "-" or "_"', { field: 'org' })
  }
  return input
}

/** Parses "org/name" (a model reference in a body or query). */
export function parseModelRef(ref: string, field = 'model'): { org: string; name: string } {
  const slash = ref.indexOf('/')
  if (slash <= 0 || slash === ref.length - 1) {
    throw new ValidationError(`"${ref}" is not a model reference; use org/name, e.g. default/resnet50-imagenet`, {
      field,
    })
  }
  return { org: ref.slice(0, slash), name: ref.slice(slash + 1) }
}
