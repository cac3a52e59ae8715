// Serves the built web UI at / when apps/web/dist exists; API routes keep their own 404s.
import fs from 'node:fs'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

export async function registerWeb(app: FastifyInstance, root: string | undefined): Promise<void> {
  if (root === undefined || !fs.existsSync(root)) return
  await app.register(fastifyStatic, { root, wildcard: false })
}
