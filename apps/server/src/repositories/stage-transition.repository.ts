import type { Stage } from '@modelreg/contract'
import type { Kysely } from 'kysely'
import { toIso } from '../db/database.js'
import type { Database } from '../db/schema.js'
import type { StageTransitionRecord } from './records.js'

export interface NewStageTransition {
  versionId: number
  modelId: number
  from: string | null
  to: string
  actor: string
  comment: string
  at: string
  /** The reason an organisation admin gave for moving a dangerous version (safety-gate.ts). */
  overrideReason?: string
}

export class StageTransitionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(t: NewStageTransition, version: string): Promise<StageTransitionRecord> {
    const { id } = await this.db
      .insertInto('stage_transitions')
      .values({
        version_id: t.versionId,
        model_id: t.modelId,
        from_stage: t.from,
        to_stage: t.to,
        actor: t.actor,
        comment: t.comment,
        at: t.at,
        override_reason: t.overrideReason ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return {
      id: Number(id),
      version,
      from: t.from as Stage | null,
      to: t.to as Stage,
      actor: t.actor,
      comment: t.comment,
      at: t.at,
      ...(t.overrideReason !== undefined && { override: { reason: t.overrideReason } }),
    }
  }

  async listForVersion(versionId: number, version: string): Promise<StageTransitionRecord[]> {
    const rows = await this.db
      .selectFrom('stage_transitions')
      .selectAll()
      .where('version_id', '=', versionId)
      .orderBy('at', 'asc')
      .orderBy('id', 'asc')
      .execute()
    return rows.map((r) => ({
      id: Number(r.id),
      version,
      from: r.from_stage as Stage | null,
      to: r.to_stage as Stage,
      actor: r.actor,
      comment: r.comment,
      at: toIso(r.at),
      ...(r.override_reason !== null && { override: { reason: r.override_reason } }),
    }))
  }
}
