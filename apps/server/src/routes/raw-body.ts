// Routes that take files: every body is passed through as the raw request stream, never parsed or buffered.
import type { FastifyRequest } from 'fastify'
import type { App } from './route-types.js'

export function acceptRawBodies(scope: App): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
  // While the body arrives, a connection on which nothing moves is cut (MODELREG_IDLE_TIMEOUT_SECONDS). Once all of
  // it is in, the server works (hashing, an S3 copy of many GB) and the client waits: no idle timeout until the
  // answer.
  scope.addHook('preHandler', async (req) => {
    if (req.raw.complete) clientWaits(req)
    else req.raw.once('end', () => clientWaits(req))
  })
}

/**
 * The client now waits for the server's own work: no idle timeout on its connection for the rest of this request.
 * Node sets the keep-alive timeout once the answer is sent, and the idle one again on the connection's next request.
 */
export function clientWaits(req: FastifyRequest): void {
  const socket = req.raw.socket as { setTimeout?: (ms: number) => unknown } | undefined
  // app.inject()'s stand-in socket has no timer.
  if (typeof socket?.setTimeout === 'function') socket.setTimeout(0)
}
