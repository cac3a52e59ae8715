// Version references as clients write them, classified once: an exact version, "latest", a stage name, an alias
// or an npm range. The resolver (services/version-resolver.ts) turns each into one version; alias names are
// checked here too, since a name that reads as anything else would be unreachable.
import { type Stage, stageOptions } from '@modelreg/contract'
import semver from 'semver'
import { ValidationError } from '../errors.js'
import { parseVersion, sortKeyOfSemver, type VersionNumber } from './version-number.js'

export type VersionReference =
  | { kind: 'exact'; text: string; number: VersionNumber }
  | { kind: 'latest'; text: string }
  | { kind: 'stage'; text: string; stage: Stage }
  | { kind: 'alias'; text: string; alias: string }
  | { kind: 'range'; text: string; range: semver.Range; intervals: VersionInterval[] }

/**
 * One OR-branch of a range as a stretch of stored sort keys, for an index range scan: every version the branch
 * admits lies in it. Pre-releases are admitted only on the [major, minor, patch] tuples the branch names one for.
 */
export interface VersionInterval {
  lower?: { key: string; inclusive: boolean }
  upper?: { key: string; inclusive: boolean }
  prereleaseTuples: [number, number, number][]
}

export const ALIAS_PATTERN = /^[a-z][a-z0-9-]{0,62}$/
/** Longest reference accepted (semver's own limit); longer ones are refused before parsing. */
export const MAX_REFERENCE_LENGTH = 256
/** Most OR-branches (`a || b || ...`) in a range: each costs an index probe. */
export const MAX_RANGE_BRANCHES = 16

const isStage = (text: string): text is Stage => Object.hasOwn(stageOptions, text)

/**
 * @example
 * parseReference('1.2.0')      // { kind: 'exact', ... }
 * parseReference('production') // { kind: 'stage', stage: 'production' }
 * parseReference('champion')   // { kind: 'alias', alias: 'champion' }
 * parseReference('^1.2')       // { kind: 'range', intervals: [{ lower: 1.2.0 incl., upper: 2.0.0-0 excl. }] }
 */
export function parseReference(text: string, field = 'version'): VersionReference {
  if (text.length === 0 || text.length > MAX_REFERENCE_LENGTH) {
    throw new ValidationError(`a version reference is 1 to ${MAX_REFERENCE_LENGTH} characters`, { field })
  }
  if (text === 'latest') return { kind: 'latest', text }
  if (isStage(text)) return { kind: 'stage', text, stage: text }
  if (semver.valid(text) !== null || /^\d+\.\d+\.\d+[-+]\S*$/.test(text)) {
    return { kind: 'exact', text, number: parseVersion(text, field) }
  }
  const range = semver.validRange(text) === null ? null : new semver.Range(text)
  if (range === null) {
    if (ALIAS_PATTERN.test(text)) return { kind: 'alias', text, alias: text }
    throw new ValidationError(
      `"${text}" is not a version reference: write a version (1.2.0), "latest", a stage (production), ` +
        'an alias (champion) or a range (^1.2, ~1.2.3, 1.x, >=1.0.0 <2.0.0)',
      { field },
    )
  }
  if (range.set.length > MAX_RANGE_BRANCHES) {
    throw new ValidationError(`a range may have at most ${MAX_RANGE_BRANCHES} alternatives (||)`, { field })
  }
  return { kind: 'range', text, range, intervals: range.set.flatMap((set) => intervalOf(set) ?? []) }
}

/** Why `name` cannot be an alias, or undefined when it can. */
export function aliasNameProblem(name: string): string | undefined {
  if (!ALIAS_PATTERN.test(name)) {
    return 'an alias is a lower-case letter, then up to 62 lower-case letters, digits or "-"'
  }
  if (name === 'latest') return '"latest" always means the highest release'
  if (isStage(name)) return `"${name}" is a stage name`
  if (semver.validRange(name) !== null) return `"${name}" reads as a version range`
  return undefined
}

/** The interval of one AND-set of comparators; undefined when no stored version can satisfy it. */
function intervalOf(set: readonly semver.Comparator[]): VersionInterval | undefined {
  const interval: VersionInterval = { prereleaseTuples: [] }
  for (const c of set) {
    if (typeof c.semver === 'symbol' || !(c.semver instanceof semver.SemVer)) continue // "*": no bound
    const v = c.semver
    const op = c.operator
    // "<X-0" (how ^ and ~ end) admits nothing of tuple X: X-0 is the lowest pre-release there is.
    const floorOnly = op === '<' && v.prerelease.length === 1 && v.prerelease[0] === 0
    if (v.prerelease.length > 0 && !floorOnly) interval.prereleaseTuples.push([v.major, v.minor, v.patch])
    const key = sortKeyOfSemver(v)
    if (op === '>' || op === '>=' || op === '' || op === '=') {
      // A lower bound past any storable version: nothing matches.
      if (key === undefined) return undefined
      const bound = { key, inclusive: op !== '>' }
      if (!interval.lower || bound.key > interval.lower.key) interval.lower = bound
      else if (bound.key === interval.lower.key && !bound.inclusive) interval.lower = bound
    }
    if ((op === '<' || op === '<=' || op === '' || op === '=') && key !== undefined) {
      const bound = { key, inclusive: op !== '<' }
      if (!interval.upper || bound.key < interval.upper.key) interval.upper = bound
      else if (bound.key === interval.upper.key && !bound.inclusive) interval.upper = bound
    }
  }
  return interval
}
