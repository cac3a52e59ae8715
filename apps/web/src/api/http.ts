// The browser's way to the API: same-origin session cookie, plus the CSRF token on writes.
import { ModelregError } from '@modelreg/sdk'

export { ModelregError as ApiError }

let csrfToken: string | null = null
/** Set by the session provider after sign-in; sent as x-csrf-token on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

export type Query = Record<string, string | number | boolean | readonly string[] | undefined | null>

export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

export async function api<T>(method: string, path: string, opts: { query?: Query; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (opts.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken
  let res: Response
  try {
    res = await fetch(apiUrl(path, opts.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch {
    throw new ModelregError(0, 'NETWORK', 'The registry cannot be reached. Check your connection and try again.')
  }
  if (res.status === 204) return undefined as T
  const text = await res.text()
  let data: unknown
  try {
    data = text === '' ? undefined : JSON.parse(text)
  } catch {
    data = undefined
  }
  if (!res.ok) {
    const e = (data as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error
    throw new ModelregError(
      res.status,
      (e?.code ?? 'INTERNAL') as ModelregError['code'],
      e?.message ?? `The registry answered HTTP ${res.status}.`,
      e?.details ?? {},
    )
  }
  return data as T
}

export const seg = encodeURIComponent
export const modelPath = (org: string, name: string) => `/api/v1/models/${seg(org)}/${seg(name)}`
export const versionPath = (org: string, name: string, version: string) =>
  `${modelPath(org, name)}/versions/${seg(version)}`
/** Artifact paths keep their slashes: each segment is encoded on its own. */
export const artifactUrl = (org: string, name: string, version: string, path: string) =>
  `${versionPath(org, name, version)}/artifacts/${path.split('/').map(seg).join('/')}`

/** The SDK's client for this page: same-origin cookie plus the current CSRF token. */
export const sdkOptions = {
  baseUrl: '',
  credentials: 'same-origin' as const,
  headers: (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {}),
}
