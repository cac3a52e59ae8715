// Which fields an edit may name. Services own the tables and enforce them; a route asks its service to check the
// raw body before schema validation, so that "name" gets FIELD_NOT_EDITABLE rather than "unknown property".
import { FieldNotEditableError, ValidationError } from '../errors.js'

/**
 * The fields an edit refuses.
 * @example
 * const rules: Editability = { fixed: { name: 'Model Name never changes' }, elsewhere: { tags: 'a version' } }
 * refuseNotEditable({ name: 'x' }, rules) // throws FieldNotEditableError (FIELD_NOT_EDITABLE)
 */
export interface Editability {
  /** Fields that never change once created, with what to do instead. */
  readonly fixed: Readonly<Record<string, string>>
  /** Fields of another resource, with where they are edited. */
  readonly elsewhere: Readonly<Record<string, string>>
}

/** Throws for the first field of `changes` that the rules refuse; anything that is not an object passes. */
export function refuseNotEditable(changes: unknown, rules: Editability): void {
  if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return
  for (const key of Object.keys(changes)) {
    const hint = rules.fixed[key]
    if (hint !== undefined) throw new FieldNotEditableError(key, hint)
    const where = rules.elsewhere[key]
    if (where !== undefined) throw new ValidationError(`"${key}" is edited on ${where}`, { field: key })
  }
}
