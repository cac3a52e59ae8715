// Inspection jobs and results, one row per blob (0012-inspection). Claiming is one conditional UPDATE, atomic on
// both dialects: of two replicas racing for the same row, exactly one sees its claim take effect.
import { type Kysely, sql } from 'kysely'
import { toIso, toIsoOrNull } from '../db/database.js'
import type { Database } from '../db/schema.js'

export interface InspectionRecord {
  sha256: string
  fileName: string
  status: 'pending' | 'done'
  scannerVersion: number
  claimedBy: string | null
  attempts: number
  format: string | null
  verdict: string | null
  parameters: number | null
  result: unknown
  requestedAt: string
  finishedAt: string | null
}

export interface InspectionOutcome {
  format: string
  verdict: string
  verdictRank: number
  parameters: number | null
  result: unknown
}

export class InspectionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** A pending job for this blob unless it has one (a blob already inspected is not inspected again). */
  async request(sha256: string, fileName: string, at: string): Promise<void> {
    await this.db
      .insertInto('inspections')
      .values({ sha256, file_name: fileName, status: 'pending', requested_at: at })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .execute()
  }

  /** Makes the jobs due again (a re-run on demand): their old results stay readable until replaced. */
  async requeue(sha256s: readonly string[], at: string): Promise<void> {
    if (sha256s.length === 0) return
    await this.db
      .updateTable('inspections')
      .set({ status: 'pending', requested_at: at, attempts: 0 })
      .where('sha256', 'in', sha256s)
      .execute()
  }

  async find(sha256s: readonly string[]): Promise<Map<string, InspectionRecord>> {
    if (sha256s.length === 0) return new Map()
    const rows = await this.db.selectFrom('inspections').selectAll().where('sha256', 'in', sha256s).execute()
    return new Map(rows.map((r) => [r.sha256, toRecord(r)]))
  }

  /**
   * Claims up to `limit` due jobs for `holder` until `expiresAt`, oldest request first: pending ones, or ones done by
   * an older scanner, whose claim is free or expired (its replica died). One select and one conditional update,
   * however many: of two replicas racing for a row, exactly one sees its claim take effect, and the other claims the
   * rest.
   */
  async claimDue(
    holder: string,
    now: number,
    expiresAt: number,
    scannerVersion: number,
    limit: number,
  ): Promise<InspectionRecord[]> {
    for (let tries = 0; tries < 5; tries++) {
      const due = await this.db
        .selectFrom('inspections')
        .select('sha256')
        .where((eb) => eb.or([eb('status', '=', 'pending'), eb('scanner_version', '<', scannerVersion)]))
        .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now)]))
        .orderBy('requested_at')
        .limit(limit)
        .execute()
      if (due.length === 0) return []
      const claimed = await this.db
        .updateTable('inspections')
        .set((eb) => ({ claimed_by: holder, claim_expires_at: expiresAt, attempts: eb('attempts', '+', 1) }))
        .where(
          'sha256',
          'in',
          due.map((d) => d.sha256),
        )
        .where((eb) => eb.or([eb('claim_expires_at', 'is', null), eb('claim_expires_at', '<=', now)]))
        .returningAll()
        .execute()
      if (claimed.length > 0) {
        const order = new Map(due.map((d, i) => [d.sha256, i]))
        return claimed.map(toRecord).sort((a, b) => (order.get(a.sha256) ?? 0) - (order.get(b.sha256) ?? 0))
      }
      // Another replica took them all between the two statements: look again.
    }
    return []
  }

  /** Extends our claims while long jobs run (those no longer ours, or finished, are left alone). */
  async renew(sha256s: readonly string[], holder: string, expiresAt: number): Promise<void> {
    if (sha256s.length === 0) return
    await this.db
      .updateTable('inspections')
      .set({ claim_expires_at: expiresAt })
      .where('sha256', 'in', sha256s)
      .where('claimed_by', '=', holder)
      .execute()
  }

  /** Stores the result if the claim is still ours; a job re-queued meanwhile stays pending for another run. */
  async finish(
    sha256: string,
    holder: string,
    scannerVersion: number,
    outcome: InspectionOutcome,
    at: string,
    requestedAt: string,
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('inspections')
      .set({
        status: 'done',
        scanner_version: scannerVersion,
        claimed_by: null,
        claim_expires_at: null,
        format: outcome.format,
        verdict: outcome.verdict,
        verdict_rank: outcome.verdictRank,
        parameters: outcome.parameters,
        result: JSON.stringify(outcome.result),
        finished_at: at,
      })
      .where('sha256', '=', sha256)
      .where('claimed_by', '=', holder)
      .where('requested_at', '=', requestedAt)
      .executeTakeFirst()
    return Number(r.numUpdatedRows) > 0
  }

  /** Lets go of a claim without a result (shutdown), so another replica need not wait for it to expire. */
  async release(sha256: string, holder: string): Promise<void> {
    await this.db
      .updateTable('inspections')
      .set({ claimed_by: null, claim_expires_at: null })
      .where('sha256', '=', sha256)
      .where('claimed_by', '=', holder)
      .execute()
  }

  /** Jobs not done with the current scanner (for the health of the queue, and tests). */
  async countDue(scannerVersion: number): Promise<number> {
    const row = await this.db
      .selectFrom('inspections')
      .select(sql<string | number>`count(*)`.as('n'))
      .where((eb) => eb.or([eb('status', '=', 'pending'), eb('scanner_version', '<', scannerVersion)]))
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }
}

function toRecord(r: {
  sha256: string
  file_name: string
  status: string
  scanner_version: number
  claimed_by: string | null
  attempts: number
  format: string | null
  verdict: string | null
  parameters: number | string | null
  result: string | null
  requested_at: string | Date
  finished_at: string | Date | null
}): InspectionRecord {
  return {
    sha256: r.sha256,
    fileName: r.file_name,
    status: r.status === 'done' ? 'done' : 'pending',
    scannerVersion: Number(r.scanner_version),
    claimedBy: r.claimed_by,
    attempts: Number(r.attempts),
    format: r.format,
    verdict: r.verdict,
    parameters: r.parameters === null ? null : Number(r.parameters),
    result: r.result === null ? null : JSON.parse(r.result),
    requestedAt: toIso(r.requested_at),
    finishedAt: toIsoOrNull(r.finished_at),
  }
}
