// The SQL form of "who sees which model" (services/access.ts has the same rule for one model at a time).
// The viewer's organisations and shares are looked up first and passed as constants: correlated EXISTS
// joined by OR kept both planners from walking the sort index and stopping after a page (measured: 121 ms
// → 0.9 ms for a first page at 100k models on PostgreSQL).
import { type ExpressionBuilder, type Kysely, sql } from 'kysely'
import type { Database } from '../db/schema.js'

export interface Viewer {
  userId: string
  username: string
  siteAdmin: boolean
}

/** What a viewer may see, resolved: every model, or these organisations with these exceptions. */
export type VisibleScope =
  | { all: true }
  | { all: false; username: string; orgIds: string[]; adminOrgIds: string[]; sharedModelIds: number[] }

export async function scopeOf(db: Kysely<Database>, viewer: Viewer): Promise<VisibleScope> {
  if (viewer.siteAdmin) return { all: true }
  const memberships = await db
    .selectFrom('memberships')
    .select(['org_id', 'role'])
    .where('user_id', '=', viewer.userId)
    .execute()
  const shares = await db.selectFrom('model_grants').select('model_id').where('user_id', '=', viewer.userId).execute()
  return {
    all: false,
    username: viewer.username,
    orgIds: memberships.map((m) => m.org_id),
    adminOrgIds: memberships.filter((m) => m.role === 'admin').map((m) => m.org_id),
    sharedModelIds: shares.map((s) => Number(s.model_id)),
  }
}

/** A condition on models aliased "m": in one of the viewer's organisations, and public, owned, shared or admin-visible. */
export function visibleIn(scope: VisibleScope) {
  return (eb: ExpressionBuilder<Database & { m: Database['models'] }, 'm'>) => {
    if (scope.all) return sql<boolean>`1 = 1`
    if (scope.orgIds.length === 0) return sql<boolean>`1 = 0`
    const either = [eb('m.public_access', '=', 1), eb('m.created_by', '=', scope.username)]
    if (scope.adminOrgIds.length > 0) either.push(eb('m.org_id', 'in', scope.adminOrgIds))
    if (scope.sharedModelIds.length > 0) either.push(eb('m.id', 'in', scope.sharedModelIds))
    return eb.and([eb('m.org_id', 'in', scope.orgIds), eb.or(either)])
  }
}
