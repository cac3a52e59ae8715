import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ErrorResponse } from '@modelreg/contract'
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify'
import { FieldNotEditableError, ValidationError } from '../errors.js'

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

/**
 * A preValidation hook for PATCH routes: fields that exist but never change get 400 FIELD_NOT_EDITABLE,
 * fields of the other resource get a pointer to where they are edited, before the schema refuses them.
 */
export function refuseFields(notEditable: Record<string, string>, elsewhere: Record<string, string> = {}) {
  return async (req: { body: unknown }) => {
    const body = req.body
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return
    for (const key of Object.keys(body)) {
      const hint = notEditable[key]
      if (hint !== undefined) throw new FieldNotEditableError(key, hint)
      const where = elsewhere[key]
      if (where !== undefined) throw new ValidationError(`"${key}" is edited on ${where}`, { field: key })
    }
  }
}
