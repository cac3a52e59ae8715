// Errors as the Hugging Face clients read them: a status, X-Error-Code (RepoNotFound, RevisionNotFound,
// EntryNotFound) and X-Error-Message headers, and a JSON body { error }. Domain errors are translated here once.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError, httpStatusOf } from '../../errors.js'

export type HfErrorCode = 'RepoNotFound' | 'RevisionNotFound' | 'EntryNotFound'

/** An answer only the Hub's API has (a revision or entry not found, a stale parent commit). */
export class HfError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hfCode?: HfErrorCode,
    /** The commit the answer is about: an EntryNotFound carries it so the Python client caches the absence. */
    readonly commit?: string,
  ) {
    super(message)
    this.name = 'HfError'
  }
}

export const repoNotFound = (repo: string) =>
  new HfError(
    404,
    `Repository Not Found for url: ${repo}. Please make sure you specified the correct repo id.`,
    'RepoNotFound',
  )
export const revisionNotFound = (repo: string, rev: string) =>
  new HfError(404, `Invalid rev id: ${rev} (no such revision of ${repo})`, 'RevisionNotFound')
export const entryNotFound = (path: string, commit: string) =>
  new HfError(404, `Entry not found: ${path}`, 'EntryNotFound', commit)

/** The Hub's own message for a token it does not know; the Python client never reads it as RepoNotFound. */
const INVALID_CREDENTIALS = 'Invalid credentials in Authorization header'
const CONTROL = /\p{Cc}/gu

/** The error handler of the /hf scope. */
export function sendHfError(err: FastifyError | HfError | DomainError, req: FastifyRequest, reply: FastifyReply) {
  const { status, message, code, commit } = translate(err, req)
  if (status >= 500) req.log.error({ err }, 'request failed')
  if (code) reply.header('x-error-code', code)
  // Header values must be one line of visible text.
  reply.header('x-error-message', message.replace(CONTROL, ' ').slice(0, 500))
  if (commit) reply.header('x-repo-commit', commit)
  return reply.code(status).type('application/json; charset=utf-8').send({ error: message })
}

function translate(
  err: FastifyError | HfError | DomainError,
  req: FastifyRequest,
): { status: number; message: string; code?: HfErrorCode; commit?: string } {
  if (err instanceof HfError) {
    // Anonymous callers get 401 for a repo they cannot see, as the Hub answers them.
    const status = err.hfCode === 'RepoNotFound' && req.headers.authorization === undefined ? 401 : err.status
    return { status, message: err.message, code: err.hfCode, commit: err.commit }
  }
  if (err instanceof DomainError) {
    if (err.code === 'UNAUTHENTICATED') {
      return req.headers.authorization === undefined
        ? { status: 401, message: 'Repository Not Found: sign in with a token (HF_TOKEN)', code: 'RepoNotFound' }
        : { status: 401, message: INVALID_CREDENTIALS }
    }
    if (err.code === 'NOT_FOUND' && 'model' in err.details) {
      return { status: req.headers.authorization === undefined ? 401 : 404, message: err.message, code: 'RepoNotFound' }
    }
    if (err.code === 'NOT_FOUND' && 'path' in err.details)
      return { status: 404, message: err.message, code: 'EntryNotFound' }
    if (err.code === 'NOT_FOUND' && 'version' in err.details) {
      return { status: 404, message: err.message, code: 'RevisionNotFound' }
    }
    return { status: httpStatusOf[err.code], message: err.message }
  }
  if (err.validation) return { status: 400, message: `Bad request: ${err.message}` }
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500) return { status, message: err.message }
  return {
    status: 500,
    message: `Internal Error - We're working hard to fix this as soon as possible! (request ${req.id})`,
  }
}
