import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '@modelreg/contract'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>

/** Error responses every route documents. */
export const errors = {
  400: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
  500: ErrorResponse,
}

/** Set on every response to a request whose path named a version by reference: the version it resolved to. */
export const VERSION_HEADER = 'x-modelreg-version'
