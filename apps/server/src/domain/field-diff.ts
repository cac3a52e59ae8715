// What an edit changes, field by field: the before/after that version.updated and model.updated events record.

/** Field-by-field before/after of what actually changes. */
export function diff<T extends object>(
  before: T,
  after: Partial<T>,
): Record<string, { before: unknown; after: unknown }> {
  const out: Record<string, { before: unknown; after: unknown }> = {}
  for (const [key, value] of Object.entries(after)) {
    const old = (before as Record<string, unknown>)[key]
    if (value !== undefined && JSON.stringify(old) !== JSON.stringify(value)) out[key] = { before: old, after: value }
  }
  return out
}
