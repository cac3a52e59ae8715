// The one rule for letting a version go live: moving it to Production or deploying it is refused with
// UNSAFE_ARTIFACT (naming the findings) when it is dangerous, and with INSPECTION_PENDING (naming the files, with a
// retry hint) while some of its files were never inspected (ADR 0025), unless an organisation admin overrides with a
// reason. Called by the version and deployment services inside their transactions; routes and adapters never repeat it.
import type { SafetyOverride } from '@modelreg/contract'
import { ForbiddenError, InspectionPendingError, UnsafeArtifactError } from '../errors.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { type AccessUses, standingOf } from './access.js'
import { gateEvidence, type InspectionUses } from './inspection.service.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

/** The repositories this module uses (its named dependencies). */
export type GateUses = 'inspections' | AccessUses | ResolverUses | InspectionUses

/** Seconds a client is told to wait before asking again while files are being inspected (Retry-After). */
export const PENDING_RETRY_SECONDS = 5

/**
 * Resolves to the override's reason when one was needed and given (to be recorded), undefined when the version
 * is neither dangerous nor waiting for its inspection. Throws FORBIDDEN when someone other than an organisation admin sends an override at all.
 */
export async function checkSafety(
  repos: RepositoriesOf<GateUses>,
  actor: Actor,
  model: ModelRecord,
  version: VersionRecord,
  action: 'promote' | 'deploy',
  override: SafetyOverride | undefined,
): Promise<string | undefined> {
  if (override !== undefined && !actor.siteAdmin && (await standingOf(repos, actor, model)).role !== 'admin') {
    throw new ForbiddenError('only an organisation admin may override the safety gate', { field: 'override' })
  }
  const { findings, pending } = await gateEvidence(repos, version.id)
  if (findings.length === 0 && pending.length === 0) return undefined
  if (override !== undefined) return override.reason
  const what = action === 'promote' ? 'moved to Production' : 'deployed'
  if (findings.length > 0) {
    throw new UnsafeArtifactError(
      `version ${version.version} has files that can run code when loaded (${findings.length} finding${findings.length === 1 ? '' : 's'}); ` +
        `it cannot be ${what} unless an organisation admin overrides with a reason`,
      { findings },
    )
  }
  throw new InspectionPendingError(
    `version ${version.version} has ${pending.length} file${pending.length === 1 ? '' : 's'} not inspected yet; ` +
      `it can be ${what} once the inspection is done (retry in a few seconds) or if an organisation admin overrides with a reason`,
    { pending, retryAfter: PENDING_RETRY_SECONDS },
  )
}

/**
 * Before the gate's transaction: a file of the version that has no inspection job at all (stored by a path that
 * did not queue one) gets one now, and while files are not inspected yet this waits for them (polling, up to
 * `limits.inspectionGateWaitMs`), so a version promoted right after its upload goes through as soon as its
 * verdicts are in. Holds no transaction or lock while waiting; the gate inside the transaction decides.
 */
export async function awaitInspection(
  deps: ServiceDeps<GateUses>,
  actor: Actor,
  org: string,
  name: string,
  ref: string,
): Promise<void> {
  const read = deps.store.pool
  const { version } = await resolveVersion(read, actor, 'write', org, name, ref)
  const artifacts = await read.artifacts.listForVersion(version.id)
  const rows = await read.inspections.find(artifacts.map((a) => a.sha256))
  const unqueued = artifacts.filter((a) => !rows.has(a.sha256))
  if (unqueued.length > 0) {
    const at = deps.clock()
    await deps.store.transaction(async (repos) => {
      for (const a of unqueued) await repos.inspections.request(a.sha256, a.path, at)
    })
  }
  const waitMs = deps.limits.inspectionGateWaitMs ?? 0
  if (waitMs <= 0) return
  const until = Date.now() + waitMs
  for (;;) {
    const { pending } = await gateEvidence(read, version.id)
    const left = until - Date.now()
    if (pending.length === 0 || left <= 0) return
    await new Promise((resolve) => setTimeout(resolve, Math.min(200, left)))
  }
}
