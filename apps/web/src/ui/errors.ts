import { ApiError } from '../api/http'

/** A sentence a person can act on, from whatever was thrown. */
export function errorMessage(err: unknown): string {
  // The SDK's own wording names the origin and fetch's cause; a person needs the next step instead.
  if (err instanceof ApiError && err.code === 'NETWORK')
    return 'The registry cannot be reached. Check your connection and try again.'
  if (err instanceof ApiError) return err.message
  if (err instanceof Error) return err.message
  return 'Something went wrong. Try again.'
}

/** Field → message from a VALIDATION_FAILED answer, to show each message at its field. */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(err instanceof ApiError)) return out
  const details = err.details as { errors?: { field: string; message: string }[]; field?: string } | undefined
  for (const e of details?.errors ?? []) out[e.field] = e.message
  if (details?.field && !details.errors) out[details.field] = err.message
  return out
}
