import { type Static, Type } from 'typebox'
import { Line, Nullable, Timestamp } from './common.js'

export const RoleSchema = Type.Enum(['viewer', 'member', 'admin'], { description: 'Role in an organisation.' })
export type Role = Static<typeof RoleSchema>
export const TokenScope = Type.Enum(['read', 'write', 'admin'], {
  description: 'read: GET only; write: everything a user may do; admin: also managing people.',
})
export type TokenScope = Static<typeof TokenScope>

export const LoginBody = Type.Object(
  { username: Line({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
)
export type LoginBody = Static<typeof LoginBody>

export const Membership = Type.Object({ org: Type.String(), role: Nullable(RoleSchema) })

export const SessionInfo = Type.Object(
  {
    username: Type.String(),
    siteAdmin: Type.Boolean(),
    orgs: Type.Array(Membership),
    csrfToken: Nullable(Type.String({ description: 'Send as x-csrf-token on cookie-authenticated writes.' })),
    expiresAt: Nullable(Timestamp),
  },
  { description: 'Who is signed in.' },
)
export type SessionInfo = Static<typeof SessionInfo>

export const CreateTokenBody = Type.Object(
  {
    name: Line({ minLength: 1, maxLength: 100 }),
    scope: Type.Optional(TokenScope),
    expiresAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
)
export type CreateTokenBody = Static<typeof CreateTokenBody>

export const ApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  scope: TokenScope,
  createdAt: Timestamp,
  expiresAt: Nullable(Timestamp),
  lastUsedAt: Nullable(Timestamp),
})
export type ApiToken = Static<typeof ApiToken>
export const CreatedToken = Type.Intersect([
  ApiToken,
  Type.Object({ token: Type.String({ description: 'Shown once.' }) }),
])
export const TokenList = Type.Object({ items: Type.Array(ApiToken) })

export const CreateUserBody = Type.Object(
  {
    username: Line({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 8, maxLength: 1024 }),
    siteAdmin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type CreateUserBody = Static<typeof CreateUserBody>
export const User = Type.Object({ username: Type.String(), siteAdmin: Type.Boolean(), createdAt: Timestamp })

export const CreateOrgBody = Type.Object(
  { name: Line({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
)
export const Organisation = Type.Object({ name: Type.String() })
export const OrgList = Type.Object({ items: Type.Array(Membership) })
export const SetMemberBody = Type.Object({ role: RoleSchema }, { additionalProperties: false })
export const MemberList = Type.Object({ items: Type.Array(Type.Object({ username: Type.String(), role: RoleSchema })) })

export const GrantPermission = Type.Enum(['read', 'write'])
export const ShareBody = Type.Object({ permission: GrantPermission }, { additionalProperties: false })
export const ShareList = Type.Object({
  items: Type.Array(Type.Object({ username: Type.String(), permission: GrantPermission })),
})

export const AuditQuery = Type.Object(
  {
    model: Type.Optional(Line({ maxLength: 200, description: 'org/name' })),
    actor: Type.Optional(Line({ maxLength: 64 })),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
)
export type AuditQuery = Static<typeof AuditQuery>
export const AuditEntry = Type.Object({
  type: Type.String(),
  actor: Type.String(),
  at: Timestamp,
  model: Nullable(Type.String()),
  version: Nullable(Type.String()),
  ip: Nullable(Type.String()),
  data: Type.Record(Type.String(), Type.Unknown()),
})
export const AuditPage = Type.Object({ items: Type.Array(AuditEntry) })
