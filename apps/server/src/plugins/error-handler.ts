// The only place that knows HTTP statuses: domain errors, validation and parser errors become
// { error: { code, message, details } }; a 5xx never carries the cause (it goes to the log).

import type { ErrorCode, ErrorResponse } from '@modelreg/contract'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import { DomainError, httpStatusOf, ValidationError } from '../errors.js'

const CONTROL = /\p{Cc}/u

/** Fastify's own URL errors (bad percent-encoding, over-long parameters) in our error shape. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 400
  const message =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path segment is too long'
      : err.code === 'FST_ERR_BAD_URL'
        ? 'the URL is not valid (bad percent-encoding)'
        : 'the request is not valid'
  reply.code(status).send(errorBody(status === 404 ? 'NOT_FOUND' : 'VALIDATION_FAILED', message))
}

export function errorBody(code: ErrorCode, message: string, details: unknown = {}): ErrorResponse {
  return { error: { code, message, details } }
}

const parserErrors: Record<string, [ErrorCode, string]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type; send application/json'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['PAYLOAD_TOO_LARGE', 'request body is too large'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['VALIDATION_FAILED', 'request body is empty; send a JSON object'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['VALIDATION_FAILED', 'request body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['VALIDATION_FAILED', 'Content-Length does not match the body'],
}

/** What reading a request body throws when the client's connection goes away before the body's end. */
const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE'])

/**
 * A client abort is a body that never arrived whole, failing the way a closed connection fails. Once the body is
 * all in, nothing the client does makes the handler throw: an error then (a missing part file, a storage server
 * resetting its connection) is the server's, even when the request stream is already destroyed (as it is after
 * its end) or the error carries a network code.
 */
function clientAborted(err: FastifyError, req: FastifyRequest): boolean {
  return !req.raw.complete && err.code !== undefined && CLIENT_GONE.has(err.code)
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof DomainError) {
      // Bytes gone from the blob store behind the registry's back: the client gets a coded answer, the operator a log.
      if (err.code === 'ARTIFACT_MISSING') req.log.error({ code: err.code, details: err.details }, err.message)
      if (typeof err.details.retryAfter === 'number') reply.header('retry-after', String(err.details.retryAfter))
      return reply.code(httpStatusOf[err.code]).send(errorBody(err.code, err.message, err.details))
    }
    if (err.validation) {
      const errors = describeValidation(err.validation, err.validationContext ?? 'body')
      const first = errors[0]
      const message = first ? `${first.field ? `${first.field}: ` : ''}${first.message}` : 'request is not valid'
      return reply.code(400).send(errorBody('VALIDATION_FAILED', message, { errors }))
    }
    // PostgreSQL refuses NUL in text; anything that slipped past validation is still the client's input.
    if (err.code === '22021' || err.code === '22P05') {
      return reply.code(400).send(errorBody('VALIDATION_FAILED', 'text must not contain NUL characters'))
    }
    const known = err.code ? parserErrors[err.code] : undefined
    if (known) return reply.code(httpStatusOf[known[0]]).send(errorBody(known[0], known[1]))
    // The client went away mid-request (an aborted upload): nothing to answer, nothing went wrong here.
    if (clientAborted(err, req)) {
      req.log.info({ code: err.code }, 'client closed the request')
      return reply.code(400).send(errorBody('VALIDATION_FAILED', 'the request body ended early'))
    }
    const status = err.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 413 ? 'PAYLOAD_TOO_LARGE' : 'VALIDATION_FAILED'
      return reply.code(status).send(errorBody(code, err.message))
    }
    req.log.error({ err }, 'request failed')
    return reply
      .code(500)
      .send(errorBody('INTERNAL', `internal error; the server log has the details under request id ${req.id}`))
  })

  app.addHook('preValidation', async (req) => {
    for (const [part, values] of [
      ['path', req.params],
      ['query', req.query],
    ] as const) {
      for (const [key, value] of Object.entries((values ?? {}) as Record<string, unknown>)) {
        for (const v of Array.isArray(value) ? value : [value]) {
          if (typeof v === 'string' && CONTROL.test(v)) {
            throw new ValidationError(`${part} parameter "${key}" must not contain control characters`, { field: key })
          }
        }
      }
    }
  })

  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(errorBody('NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`))
  })
}

interface FieldError {
  field: string
  message: string
}

/** Turns schema errors into one line per field, naming unknown fields and listing allowed values. */
function describeValidation(errors: FastifySchemaValidationError[], context: string): FieldError[] {
  const out = new Map<string, FieldError>()
  const base = context === 'body' ? '' : `${context}.`
  for (const e of errors) {
    const path = e.instancePath.replace(/^\//, '').replaceAll('/', '.')
    const params = e.params as Record<string, unknown>
    let field = `${base}${path}`.replace(/\.$/, '')
    let message = e.message ?? 'is not valid'
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('additionalProperties')) {
      message = 'unknown field; it is not accepted here'
    } else if (e.keyword === 'additionalProperties') {
      const names = params.additionalProperties
      for (const name of Array.isArray(names) ? names : [names]) {
        const f = `${base}${path ? `${path}.` : ''}${String(name)}`
        out.set(f, { field: f, message: 'unknown field; it is not accepted here' })
      }
      continue
    } else if (e.keyword === 'enum') {
      message = `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`
    } else if (e.keyword === 'required') {
      const names = params.requiredProperties ?? params.missingProperty
      for (const name of Array.isArray(names) ? names : [names]) {
        const f = `${base}${path ? `${path}.` : ''}${String(name)}`
        out.set(f, { field: f, message: 'is required' })
      }
      continue
    } else if (e.keyword === 'type') {
      message = `must be ${String(params.type)}`
      if (field === '' && context === 'body') {
        field = 'body'
        message = 'request body must be a JSON object'
      }
    } else if (e.keyword === 'pattern' && String(params.pattern).includes('u0000')) {
      message = 'must not contain control characters (NUL, line breaks, escapes)'
    }
    if (field === '' && context !== 'body') field = context
    if (!out.has(field)) out.set(field, { field, message })
  }
  return [...out.values()]
}
