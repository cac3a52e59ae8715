// What a model is found by in the models list's search: one text column kept on the model row.

/** Name, then the latest version's description and tags; at most 20,000 characters (the indexes' input). */
export function modelSearchText(
  name: string,
  latest: { description: string; tags: readonly string[] } | null | undefined,
): string {
  return [name, latest?.description ?? '', ...(latest?.tags ?? [])].join(' ').slice(0, 20_000)
}
