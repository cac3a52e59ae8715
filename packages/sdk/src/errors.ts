// Every failure the SDK reports is a ModelregError carrying the API's error code, so callers branch on `code`.
import type { ErrorCode } from '@modelreg/contract'

/** The API's codes plus the ones only a client can see: no answer at all, or an abort by the caller. */
export type ModelregErrorCode = ErrorCode | 'NETWORK' | 'ABORTED'

/**
 * An error answered by the registry (or met on the way to it).
 * @example
 * try { await registry.getModel('default', 'bert') } catch (e) {
 *   if (e instanceof ModelregError && e.code === 'NOT_FOUND') ...
 * }
 */
export class ModelregError extends Error {
  constructor(
    /** HTTP status; 0 when there was no answer (NETWORK, ABORTED). */
    readonly status: number,
    readonly code: ModelregErrorCode,
    message: string,
    readonly details: unknown = {},
    /** The server's x-request-id, to find the request in its log. */
    readonly requestId?: string,
  ) {
    super(message)
    this.name = 'ModelregError'
  }

  /** Worth sending again: the registry was unreachable, overloaded or failed inside. */
  get retryable(): boolean {
    return this.code === 'NETWORK' || this.status >= 500 || this.status === 429
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown }
}

/** Reads an error answer's body and turns it into a ModelregError. */
export async function errorFromResponse(res: Response): Promise<ModelregError> {
  const text = await res.text().catch(() => '')
  let body: unknown = text
  try {
    body = text === '' ? undefined : JSON.parse(text)
  } catch {
    // Not JSON (a proxy's page): keep the text for the message.
  }
  return errorFromBody(res, body)
}

/** A ModelregError from an error answer whose body was already parsed (openapi-fetch's `error`). */
export function errorFromBody(res: Response, body: unknown): ModelregError {
  const e = typeof body === 'object' && body !== null ? (body as ErrorBody).error : undefined
  const code = typeof e?.code === 'string' ? (e.code as ErrorCode) : fallbackCode(res.status)
  const message =
    typeof e?.message === 'string'
      ? e.message
      : `the registry answered HTTP ${res.status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`
  return new ModelregError(res.status, code, message, e?.details ?? {}, res.headers.get('x-request-id') ?? undefined)
}

/** A failure before any answer: the caller's abort, or a network error. */
export function errorFromFailure(err: unknown, baseUrl: string): ModelregError {
  if (err instanceof ModelregError) return err
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return new ModelregError(0, 'ABORTED', 'the request was aborted')
  }
  const cause = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)
  return new ModelregError(0, 'NETWORK', `cannot reach the registry at ${baseUrl || 'this origin'}: ${cause}`)
}

// Proxies and crashed servers answer without our JSON body; keep the status meaningful.
function fallbackCode(status: number): ErrorCode {
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 403) return 'FORBIDDEN'
  if (status === 404) return 'NOT_FOUND'
  if (status === 409) return 'CONFLICT'
  if (status === 413) return 'PAYLOAD_TOO_LARGE'
  if (status === 429) return 'TOO_MANY_REQUESTS'
  if (status === 503) return 'UNAVAILABLE'
  if (status >= 500) return 'INTERNAL'
  return 'VALIDATION_FAILED'
}
