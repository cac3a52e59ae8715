import { ApiError } from '../api/http'
import { fieldErrors } from '../ui/errors'
import type { ModelFormValues } from './model-form'

type Errors = Partial<Record<keyof ModelFormValues, string>>

/** Server messages placed at their fields: validation details, or a name clash at Model Name. */
export function serverFieldErrors(err: unknown): Errors {
  const out: Errors = {}
  for (const [field, message] of Object.entries(fieldErrors(err))) {
    const key = field.split('.')[0] as keyof ModelFormValues
    out[key] = message
  }
  if (err instanceof ApiError && err.code === 'ALREADY_EXISTS') out.name = err.message
  return out
}

/** The error to show above the form: one that no field took. */
export const formLevelError = (err: unknown) => (err && Object.keys(serverFieldErrors(err)).length === 0 ? err : null)
