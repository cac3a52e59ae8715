// Routes that take files: every body is passed through as the raw request stream, never parsed or buffered.
import type { App } from './route-types.js'

export function acceptRawBodies(scope: App): void {
  scope.removeAllContentTypeParsers()
  scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload))
}
