// What a new version starts with, for every client that creates one (web New Version, CLI push and
// versions create): the latest version's description, tags, author and license. Metrics, status, stage,
// lineage and files describe one build and never carry over.
import type { License } from './options.js'

/** The fields a new version takes from the latest one unless they are given. */
export const carriedVersionFields = ['description', 'tags', 'author', 'license', 'licenseOther'] as const

export interface CarriedVersionFields {
  description?: string
  tags?: string[]
  author?: string
  license?: License
  licenseOther?: string
}

/** The parts of a version the rule reads (a Version or the VersionSummary of model.latestVersion). */
export interface CarrySource {
  description: string
  tags: readonly string[]
  author: string
  license: License | null
  licenseOther: string | null
}

/**
 * The latest version's carried fields, overlaid with the ones given for the new version. A given field wins
 * even when empty; license and licenseOther go together (a given license drops the carried licenseOther).
 * Empty carried values are left out, so the body stays minimal.
 */
export function carryForward(
  latest: CarrySource | null | undefined,
  given: CarriedVersionFields = {},
): CarriedVersionFields {
  const out: CarriedVersionFields = {}
  if (latest) {
    if (latest.description) out.description = latest.description
    if (latest.tags.length) out.tags = [...latest.tags]
    if (latest.author) out.author = latest.author
    if (latest.license) {
      out.license = latest.license
      if (latest.license === 'others' && latest.licenseOther) out.licenseOther = latest.licenseOther
    }
  }
  if (given.description !== undefined) out.description = given.description
  if (given.tags !== undefined) out.tags = given.tags
  if (given.author !== undefined) out.author = given.author
  if (given.license !== undefined || given.licenseOther !== undefined) {
    delete out.license
    delete out.licenseOther
    if (given.license !== undefined) out.license = given.license
    if (given.licenseOther !== undefined) out.licenseOther = given.licenseOther
  }
  return out
}
