// The list's filters live in the URL (shareable views); this maps them to the API's query and back.
import type { ListModelsQuery } from '@modelreg/contract'

export const filterKeys = ['framework', 'taskType', 'modelType', 'status', 'stage', 'license', 'author'] as const
export type FilterKey = (typeof filterKeys)[number]

export function queryFromParams(params: URLSearchParams): ListModelsQuery {
  const q: Record<string, unknown> = { limit: 25 }
  const text = params.get('q')
  if (text) q.q = text
  for (const k of filterKeys) {
    const v = params.get(k)
    if (v) q[k] = v
  }
  const tags = params.getAll('tag').filter(Boolean)
  if (tags.length) q.tag = tags
  const sort = params.get('sort')
  if (sort) q.sort = sort
  const cursor = params.get('cursor')
  if (cursor) q.cursor = cursor
  return q as ListModelsQuery
}

/** A copy of params with key set (or removed when empty); any change of filter starts again at page one. */
export function withParam(params: URLSearchParams, key: string, value: string | null): URLSearchParams {
  const next = new URLSearchParams(params)
  if (value) next.set(key, value)
  else next.delete(key)
  if (key !== 'cursor') next.delete('cursor')
  return next
}

export const hasFilters = (params: URLSearchParams) =>
  params.has('q') || params.has('tag') || filterKeys.some((k) => params.has(k))
