import { type Static, Type } from 'typebox'
import { Cursor, Limit, Line, LinkUrl, Nullable, Timestamp } from './common.js'
import { SafetyOverride } from './inspection.js'

export const DeploymentStatus = Type.Enum(['active', 'stopped'])

export const CreateDeploymentBody = Type.Object(
  {
    model: Line({ minLength: 3, maxLength: 200, description: 'org/name' }),
    version: Line({
      minLength: 1,
      maxLength: 128,
      description: 'A version reference: 1.2.0, "latest", a stage, an alias or a range (^1.2).',
    }),
    environment: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$' }),
    endpoint: Type.Optional(LinkUrl({ maxLength: 2048, description: 'Where it serves (http or https).' })),
    override: Type.Optional(SafetyOverride),
  },
  { additionalProperties: false },
)
export type CreateDeploymentBody = Static<typeof CreateDeploymentBody>

export const Deployment = Type.Object(
  {
    id: Type.String(),
    model: Type.String({ description: 'org/name' }),
    version: Type.String(),
    environment: Type.String(),
    endpoint: Nullable(Type.String()),
    status: DeploymentStatus,
    startedBy: Type.String(),
    startedAt: Timestamp,
    stoppedBy: Nullable(Type.String()),
    stoppedAt: Nullable(Timestamp),
  },
  { description: 'A deployment record.' },
)
export type Deployment = Static<typeof Deployment>

export const ListDeploymentsQuery = Type.Object(
  {
    model: Type.Optional(Line({ maxLength: 200, description: 'org/name' })),
    version: Type.Optional(Line({ maxLength: 128 })),
    status: Type.Optional(DeploymentStatus),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
)
export type ListDeploymentsQuery = Static<typeof ListDeploymentsQuery>

export const DeploymentPage = Type.Object({ items: Type.Array(Deployment), nextCursor: Nullable(Type.String()) })
export const DeploymentParams = Type.Object({
  id: Type.String({
    pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
    description: 'Deployment id (UUID).',
  }),
})
