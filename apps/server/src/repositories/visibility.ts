// The SQL form of "who sees which model" (services/access.ts has the same rule for one model at a time).
import { type ExpressionBuilder, sql } from 'kysely'
import type { Database } from '../db/schema.js'

export interface Viewer {
  userId: string
  username: string
  siteAdmin: boolean
}

/** A condition on models aliased "m": member of its organisation, and public, owned, shared or org admin. */
export function visibleTo(viewer: Viewer) {
  return (eb: ExpressionBuilder<Database & { m: Database['models'] }, 'm'>) => {
    if (viewer.siteAdmin) return sql<boolean>`1 = 1`
    const membership = eb
      .selectFrom('memberships as vm')
      .select('vm.role')
      .whereRef('vm.org_id', '=', 'm.org_id')
      .where('vm.user_id', '=', viewer.userId)
    return eb.and([
      eb.exists(membership),
      eb.or([
        eb('m.public_access', '=', 1),
        eb('m.created_by', '=', viewer.username),
        eb.exists(membership.where('vm.role', '=', 'admin')),
        eb.exists(
          eb
            .selectFrom('model_grants as vg')
            .select('vg.permission')
            .whereRef('vg.model_id', '=', 'm.id')
            .where('vg.user_id', '=', viewer.userId),
        ),
      ]),
    ])
  }
}
