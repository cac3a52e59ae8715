// Model and organisation names: what may be typed, and the key that makes them unique case-insensitively.
import { ValidationError } from '../errors.js'

const MODEL_NAME = /^[\p{L}\p{N}_-][\p{L}\p{N} ._-]{0,127}$/u
const ORG_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/

export function checkModelName(input: string): string {
  const name = input.normalize('NFC')
  if (!MODEL_NAME.test(name) || [...name].length > 128) {
    throw new ValidationError(
      'Model Name must be 1–128 letters, digits, spaces, "-", "_" or ".", and must not start with "." or a space',
      { field: 'name' },
    )
  }
  if (name.endsWith(' ')) throw new ValidationError('Model Name must not end with a space', { field: 'name' })
  return name
}

/** Uniqueness key: NFC + lower case, so "ResNet" and "resnet" are the same model. */
export const modelNameKey = (name: string) => name.normalize('NFC').toLowerCase()

export function checkOrgName(input: string): string {
  if (!ORG_NAME.test(input)) {
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
