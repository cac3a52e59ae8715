// The MLflow layer's error handler: every failure under /api/2.0/mlflow… answers {error_code, message} with the
// status MLflow gives the code. A 5xx never carries the cause (it goes to the log).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../../errors.js'
import { FilterError } from './mlflow-filter.js'
import { MlflowError, type MlflowErrorCode, mlflowCodeOf, mlflowStatusOf } from './mlflow-mapping.js'

export function mlflowBody(code: MlflowErrorCode, message: string) {
  return { error_code: code, message }
}

export function mlflowErrorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  const send = (code: MlflowErrorCode, message: string, status: number = mlflowStatusOf[code]) =>
    reply.code(status).send(mlflowBody(code, message))
  if (err instanceof MlflowError) return send(err.errorCode, err.message)
  if (err instanceof FilterError) return send('INVALID_PARAMETER_VALUE', `Invalid filter: ${err.message}`)
  if (err instanceof DomainError) {
    const mapped = mlflowCodeOf[err.code]
    if (mapped.code === 'INTERNAL_ERROR') req.log.error({ err }, 'request failed')
    if (typeof err.details.retryAfter === 'number') reply.header('retry-after', String(err.details.retryAfter))
    return send(mapped.code, err.message, mapped.status)
  }
  // PostgreSQL refuses NUL in text: still the client's input.
  if (err.code === '22021' || err.code === '22P05') return send('INVALID_PARAMETER_VALUE', 'text must not contain NUL')
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send('BAD_REQUEST', 'request body is too large', 413)
  if (err.code?.startsWith('FST_ERR_CTP_')) return send('BAD_REQUEST', 'the request body is not valid JSON')
  const status = err.statusCode ?? 500
  if (status >= 400 && status < 500)
    return send(status === 404 ? 'ENDPOINT_NOT_FOUND' : 'BAD_REQUEST', err.message, status)
  req.log.error({ err }, 'request failed')
  return send('INTERNAL_ERROR', `internal error; the server log has the details under request id ${req.id}`)
}
