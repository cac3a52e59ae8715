// "Others" in every option list takes a custom value in a companion field: framework + frameworkOther.
import { ValidationError } from '../errors.js'

/**
 * Returns the companion value to store: the trimmed free text when the choice is "others", null otherwise.
 * Refuses "others" without text and text without "others", so nothing typed is silently dropped.
 */
export function otherValue(
  field: string,
  choice: string | null | undefined,
  other: string | null | undefined,
): string | null {
  const text = other?.trim()
  if (choice === 'others') {
    if (!text)
      throw new ValidationError(`${field}Other is required when ${field} is "others"`, { field: `${field}Other` })
    return text
  }
  if (text)
    throw new ValidationError(`${field}Other is only allowed when ${field} is "others"`, { field: `${field}Other` })
  return null
}

/** Tags as stored: trimmed, no commas, de-duplicated case-insensitively, order kept. */
export function normaliseTags(tags: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const raw of tags) {
    const tag = raw.normalize('NFC').trim()
    if (tag === '' || /[,\p{Cc}]/u.test(tag)) {
      throw new ValidationError(
        `tag "${raw}" is not valid: tags are non-empty and contain no commas or control characters`,
        {
          field: 'tags',
        },
      )
    }
    if (!seen.has(tag.toLowerCase())) {
      seen.add(tag.toLowerCase())
      out.push(tag)
    }
  }
  return out
}

const CONTROL = /\p{Cc}/u
/** Free text that is a single line: no control characters (descriptions may hold newlines and tabs). */
export function singleLine(field: string, value: string): string {
  if (CONTROL.test(value)) throw new ValidationError(`${field} must not contain control characters`, { field })
  return value.trim()
}
export function multiLine(field: string, value: string): string {
  // Control characters other than tab, newline and carriage return.
  if ([...value].some((c) => /\p{Cc}/u.test(c) && c !== '\t' && c !== '\n' && c !== '\r')) {
    throw new ValidationError(`${field} must not contain control characters`, { field })
  }
  return value
}
