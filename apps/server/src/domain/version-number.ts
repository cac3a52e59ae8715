// Semantic versions as stored: integer parts plus a byte-sortable key, so "latest", the versions page and
// cursors are index scans in SQL on both dialects (see docs/decisions/0002-semver-order-in-sql.md).
import semver from 'semver'
import { ValidationError } from '../errors.js'

export interface VersionNumber {
  readonly text: string
  readonly major: number
  readonly minor: number
  readonly patch: number
  readonly prerelease: string | null
  readonly sortKey: string
}

const MAX_PART = 9_999_999_999 // 10 digits in the key
const pad = (n: number) => n.toString().padStart(10, '0')

/** Parses a strict semantic version (no "v" prefix, no ranges). Throws ValidationError with a hint. */
export function parseVersion(input: string, field = 'version'): VersionNumber {
  const parsed = semver.parse(input, { loose: false })
  if (parsed !== null && parsed.build.length > 0) {
    throw new ValidationError(`"${input}": build metadata (+...) does not order versions, so it cannot name one`, {
      field,
    })
  }
  if (parsed === null || parsed.version !== input) {
    throw new ValidationError(`"${input}" is not a semantic version (major.minor.patch, e.g. 1.0.0)`, { field })
  }
  const { major, minor, patch } = parsed
  if (major > MAX_PART || minor > MAX_PART || patch > MAX_PART) {
    throw new ValidationError(`version parts must be at most ${MAX_PART}`, { field })
  }
  if (parsed.prerelease.some((id) => typeof id === 'number' && id > MAX_PART)) {
    throw new ValidationError(`numeric prerelease identifiers must be at most ${MAX_PART}`, { field })
  }
  const prerelease = parsed.prerelease.length > 0 ? parsed.prerelease.join('.') : null
  return { text: parsed.version, major, minor, patch, prerelease, sortKey: sortKeyOf(parsed) }
}

/** The stored key of any parsed version, or undefined when a part is beyond what a stored version can hold. */
export function sortKeyOfSemver(v: semver.SemVer): string | undefined {
  if (v.major > MAX_PART || v.minor > MAX_PART || v.patch > MAX_PART) return undefined
  if (v.prerelease.some((id) => typeof id === 'number' && id > MAX_PART)) return undefined
  return sortKeyOf(v)
}

/**
 * Byte order of the key equals semver precedence. A release ends in "~" (above any prerelease, which ends
 * in "-..."); prerelease identifiers are joined by " " (below every identifier character); numeric ones are
 * "0" + 10 digits and sort below alphanumeric ones ("1" + text), as semver requires.
 */
function sortKeyOf(v: semver.SemVer): string {
  const core = `${pad(v.major)}.${pad(v.minor)}.${pad(v.patch)}`
  if (v.prerelease.length === 0) return `${core}~`
  const ids = v.prerelease.map((id) => (typeof id === 'number' ? `0${pad(id)}` : `1${id}`))
  return `${core}-${ids.join(' ')}`
}

/** A release without prerelease or build parts, each number small enough to add one to exactly. */
const PLAIN_RELEASE = /^(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})\.(0|[1-9]\d{0,14})$/

/** The next free major/minor/patch after `latest` (the product doc's 1.1.0 → 1.2.0 guidance). */
export function nextVersions(latest: string | null): { major: string; minor: string; patch: string } | null {
  if (latest === null) return null
  // A plain x.y.z (nearly every latest version) without semver's parse, three times per row of a models list.
  const plain = PLAIN_RELEASE.exec(latest)
  if (plain !== null) {
    const [major, minor, patch] = [Number(plain[1]), Number(plain[2]), Number(plain[3])]
    return { major: `${major + 1}.0.0`, minor: `${major}.${minor + 1}.0`, patch: `${major}.${minor}.${patch + 1}` }
  }
  const inc = (kind: 'major' | 'minor' | 'patch') => semver.inc(latest, kind) ?? latest
  return { major: inc('major'), minor: inc('minor'), patch: inc('patch') }
}
