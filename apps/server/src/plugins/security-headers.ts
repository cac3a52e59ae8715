// Security headers on every response: helmet's, for a fixed configuration, worked out once when the app is built.
// Helmet (and @fastify/helmet, which called it on every request) parses its options into middleware each time it is
// called; the headers depend on the options alone, so one run against a recording response gives them all.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import helmet, { type HelmetOptions } from 'helmet'

/** The headers helmet sets for `options`, by lower-case name, in the order it sets them. */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const headers = new Map<string, string>()
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), String(value))
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase())
    },
  }
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err
  })
  return Object.fromEntries(headers)
}

/** Sets helmet's headers for `options` on every response (a route may still replace one, as artifact downloads do). */
export function registerSecurityHeaders(app: FastifyInstance, options: Readonly<HelmetOptions>): void {
  const headers = helmetHeaders(options)
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers)
    done()
  })
}
