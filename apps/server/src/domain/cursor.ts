// Opaque keyset cursors: base64url JSON of the last row's sort value and id, checked on the way in.
import { ValidationError } from '../errors.js'

export type CursorValue = string | number

export function encodeCursor(values: readonly CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url')
}

/** A timestamp as the repositories write them (toISOString). */
export const isIsoTimestamp = (v: CursorValue) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(v)

/** Decodes a cursor made by encodeCursor with the same arity and element types (and check), or refuses it. */
export function decodeCursor(
  cursor: string,
  shape: readonly ('string' | 'number')[],
  check: (values: CursorValue[]) => boolean = () => true,
): CursorValue[] {
  let values: unknown
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
  } catch {
    values = undefined
  }
  const fits =
    Array.isArray(values) &&
    values.length === shape.length &&
    values.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isSafeInteger(v))) &&
    check(values as CursorValue[])
  if (!fits)
    throw new ValidationError('cursor is not valid; pass the nextCursor of the previous page', { field: 'cursor' })
  return values as CursorValue[]
}
