// Model references on the command line: org/name@version, name@version (organisation "default"), name.
import { type ModelRef, parseModelRef } from '@modelreg/sdk'
import { usageError } from './cli-error.js'

export function parseRef(text: string): ModelRef {
  try {
    return parseModelRef(text)
  } catch (err) {
    throw usageError((err as Error).message)
  }
}

/** major.minor.patch with an optional pre-release: what the registry stores (it judges the details). */
const EXACT_VERSION = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/

/**
 * A reference that must name an exact version (push, versions create, stage): an alias, a stage or a range
 * (`@champion`, `@^1.2`) would pick whichever version it resolves to today, so it is refused here.
 */
export function parseExactRef(text: string, what: string): ModelRef & { version: string } {
  const ref = parseRef(text)
  if (!ref.explicitVersion || !EXACT_VERSION.test(ref.version)) {
    throw usageError(`${what} needs an exact version, e.g. ${ref.org}/${ref.name}@1.0.0`)
  }
  return ref
}

/** A reference to a model alone: a version in it is an error, not silently ignored. */
export function parseModelOnly(text: string): { org: string; name: string } {
  const ref = parseRef(text)
  if (text.includes('@')) throw usageError(`"${text}" names a version; this command takes a model (org/name)`)
  return { org: ref.org, name: ref.name }
}
