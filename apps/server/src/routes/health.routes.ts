import { sql } from 'kysely'
import { Type } from 'typebox'
import type { Db } from '../db/database.js'
import type { Lifecycle } from '../lifecycle.js'
import { errorBody } from '../plugins/error-handler.js'
import type { App } from './route-types.js'

const Health = Type.Object({ status: Type.String() })

export function healthRoutes(app: App, db: Db, lifecycle: Lifecycle): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['Operations'], summary: 'Liveness', response: { 200: Health } } },
    async () => ({
      status: 'ok',
    }),
  )
  app.get(
    '/readyz',
    {
      config: { access: 'public' },
      schema: { tags: ['Operations'], summary: 'Readiness: the database answers and the replica is not draining' },
    },
    async (req, reply) => {
      if (lifecycle.draining) {
        return reply.code(503).send(errorBody('UNAVAILABLE', 'shutting down: finishing the transfers in flight'))
      }
      try {
        await sql`select 1`.execute(db.kysely)
        return { status: 'ready' }
      } catch (err) {
        req.log.warn({ err }, 'readiness check failed')
        return reply.code(503).send(errorBody('UNAVAILABLE', 'database is not reachable'))
      }
    },
  )
}
