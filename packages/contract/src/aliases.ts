import { type Static, Type } from 'typebox'
import { Line, Timestamp } from './common.js'

/** Alias names: a lower-case letter, then up to 62 lower-case letters, digits or "-". */
export const ALIAS_NAME_PATTERN = '^[a-z][a-z0-9-]{0,62}$'

export const AliasParams = Type.Object({ org: Type.String(), name: Type.String(), alias: Type.String() })

export const SetAliasBody = Type.Object(
  {
    version: Line({
      minLength: 1,
      maxLength: 256,
      description: 'The version to point at: any version reference (1.2.0, latest, production, ^1.2, another alias).',
    }),
    protected: Type.Optional(
      Type.Boolean({ description: 'Only organisation admins may move or remove a protected alias (or set this).' }),
    ),
  },
  { additionalProperties: false },
)
export type SetAliasBody = Static<typeof SetAliasBody>

export const Alias = Type.Object(
  {
    name: Type.String(),
    model: Type.String({ description: 'org/name' }),
    version: Type.String({ description: 'The version it points to.' }),
    protected: Type.Boolean(),
    createdBy: Type.String(),
    createdAt: Timestamp,
    updatedBy: Type.String(),
    updatedAt: Timestamp,
  },
  { description: 'A named pointer to one version of a model (e.g. champion -> 1.2.0).' },
)
export type Alias = Static<typeof Alias>

export const AliasList = Type.Object({ items: Type.Array(Alias) })
export type AliasList = Static<typeof AliasList>
