import { type Static, type TSchema, Type } from 'typebox'

export const ErrorCode = Type.Enum([
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOO_MANY_REQUESTS',
  'FIELD_NOT_EDITABLE',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'MODEL_DEPLOYED',
  'VERSION_FROZEN',
  'ALIAS_IN_USE',
  'UNSAFE_ARTIFACT',
  'INSPECTION_PENDING',
  'CHECKSUM_MISMATCH',
  'ARTIFACT_MISSING',
  'RANGE_NOT_SATISFIABLE',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'INTERNAL',
  'UNAVAILABLE',
])
export type ErrorCode = Static<typeof ErrorCode>

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: ErrorCode,
      message: Type.String(),
      details: Type.Unknown({ description: 'Structured context, e.g. the failing fields.' }),
    }),
  },
  { description: 'Every error, whatever the status.' },
)
export type ErrorResponse = Static<typeof ErrorResponse>

/** A single line of text: no control characters (NUL, newlines, escapes). */
export const Line = (opts: { minLength?: number; maxLength: number; description?: string }) =>
  Type.String({ pattern: '^[^\\u0000-\\u001F\\u007F]*$', ...opts })
/** Free text that may hold newlines and tabs, but no other control characters. */
export const Text = (opts: { maxLength: number; description?: string }) =>
  Type.String({ pattern: '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]*$', ...opts })

/**
 * A stored link that the web UI renders as a link (a run URL, a deployment endpoint): http(s) only, so never
 * javascript:, data:, vbscript: or file:. Server and web share this rule; readers of older rows check it again.
 */
export const LINK_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]'
export const LinkUrl = (opts: { maxLength: number; description?: string }) =>
  Type.String({ format: 'uri', pattern: LINK_URL_PATTERN, ...opts })
const linkUrl = new RegExp(LINK_URL_PATTERN)
/** True for an absolute http(s) URL with a host: what may be rendered as a link. */
export const isLinkUrl = (value: string): boolean => linkUrl.test(value) && !/\s/.test(value)

export const Limit = Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Page size (1–500).' })
export const Cursor = Type.String({
  maxLength: 512,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Opaque cursor from the previous page\u2019s nextCursor.',
})
export const Timestamp = Type.String({ format: 'date-time' })
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

/** Path segment names: URL-decoded by the server. */
export const ModelParams = Type.Object({ org: Type.String(), name: Type.String() })
export const VersionParams = Type.Object({ org: Type.String(), name: Type.String(), version: Type.String() })
