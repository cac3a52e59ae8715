import { sql } from 'kysely'
import { Type } from 'typebox'
import type { Db } from '../db/database.js'
import { errorBody } from '../plugins/error-handler.js'
import type { App } from './route-types.js'

const Health = Type.Object({ status: Type.String() })

export function healthRoutes(app: App, db: Db): void {
  app.get(
    '/healthz',
    { config: { access: 'public' }, schema: { tags: ['Operations'], summary: 'Liveness', response: { 200: Health } } },
    async () => ({
      status: 'ok',
    }),
  )
  app.get(
    '/readyz',
    { config: { access: 'public' }, schema: { tags: ['Operations'], summary: 'Readiness: the database answers' } },
    async (req, reply) => {
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
