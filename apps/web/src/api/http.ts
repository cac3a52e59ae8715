// The browser's way to the API: the SDK's typed client, with the same-origin session cookie and the CSRF token.
import { createApiClient, ModelregError } from '@modelreg/sdk'

export { unwrap } from '@modelreg/sdk'
export { ModelregError as ApiError }

let csrfToken: string | null = null
/** Set by the session provider after sign-in; sent as x-csrf-token on every request while signed in. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token
}

/** The SDK's options for this page: same-origin cookie plus the current CSRF token. */
export const sdkOptions = {
  baseUrl: '',
  credentials: 'same-origin' as const,
  headers: (): Record<string, string> => (csrfToken ? { 'x-csrf-token': csrfToken } : {}),
}

/** Typed calls for every JSON route, e.g. unwrap(await api.GET('/api/v1/models', { params: { query } })). */
export const api = createApiClient(sdkOptions)

// Hrefs for what the browser fetches itself (downloads, the README card): raw byte routes have no typed call.
const seg = encodeURIComponent
const modelPath = (org: string, name: string) => `/api/v1/models/${seg(org)}/${seg(name)}`
export const versionPath = (org: string, name: string, version: string) =>
  `${modelPath(org, name)}/versions/${seg(version)}`
/** Artifact paths keep their slashes: each segment is encoded on its own. */
export const artifactUrl = (org: string, name: string, version: string, path: string) =>
  `${versionPath(org, name, version)}/artifacts/${path.split('/').map(seg).join('/')}`
/** The whole version as one archive. */
export const archiveUrl = (org: string, name: string, version: string, format: 'zip' | 'tar' = 'zip') =>
  `${versionPath(org, name, version)}/archive?format=${format}`
