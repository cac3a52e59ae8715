// Serves the built web UI at / when apps/web/dist exists; API routes keep their own 404s.
import fs from 'node:fs'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'
import { registerPublic } from './auth.js'

export async function registerWeb(app: FastifyInstance, root: string | undefined): Promise<void> {
  if (root === undefined || !fs.existsSync(root)) return
  // The UI's files are public: it shows the sign-in page, then calls the API with the session.
  await registerPublic(app, async (scope) => {
    await scope.register(fastifyStatic, { root, wildcard: false })
    // Client-side routes (/models/default/bert, /analytics…) load the app, which then routes itself.
    scope.get('/*', { schema: { hide: true } }, (req, reply) => {
      if (/^\/(api|assets)(\/|$|\?)/.test(req.url)) return reply.callNotFound()
      return reply.header('cache-control', 'no-cache').sendFile('index.html')
    })
  })
}
