// The one rule for letting a dangerous version go live: moving it to Production or deploying it is refused with
// UNSAFE_ARTIFACT (naming the findings) unless an organisation admin overrides with a reason. Called by the
// version and deployment services inside their transactions; routes and adapters never repeat it.
import type { SafetyOverride } from '@modelreg/contract'
import { ForbiddenError, UnsafeArtifactError } from '../errors.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { Repositories } from '../repositories/repositories.js'
import { standingOf } from './access.js'
import { dangerousFindings } from './inspection.service.js'
import type { Actor } from './service-deps.js'

/**
 * Resolves to the override's reason when one was needed and given (to be recorded), undefined when the version
 * is not dangerous. Throws FORBIDDEN when someone other than an organisation admin sends an override at all.
 */
export async function checkSafety(
  repos: Repositories,
  actor: Actor,
  model: ModelRecord,
  version: VersionRecord,
  action: 'promote' | 'deploy',
  override: SafetyOverride | undefined,
): Promise<string | undefined> {
  if (override !== undefined && !actor.siteAdmin && (await standingOf(repos, actor, model)).role !== 'admin') {
    throw new ForbiddenError('only an organisation admin may override the safety gate', { field: 'override' })
  }
  const findings = await dangerousFindings(repos, version.id)
  if (findings.length === 0) return undefined
  if (override === undefined) {
    const what = action === 'promote' ? 'moved to Production' : 'deployed'
    throw new UnsafeArtifactError(
      `version ${version.version} has files that can run code when loaded (${findings.length} finding${findings.length === 1 ? '' : 's'}); ` +
        `it cannot be ${what} unless an organisation admin overrides with a reason`,
      { findings },
    )
  }
  return override.reason
}
