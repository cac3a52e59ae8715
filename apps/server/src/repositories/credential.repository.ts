import type { Kysely } from 'kysely'
import { toIso, toIsoOrNull } from '../db/database.js'
import { preparedQuery } from '../db/prepared-query.js'
import type { Database } from '../db/schema.js'
import type { UserRecord } from './user.repository.js'

export type TokenScope = 'read' | 'write' | 'admin'

export interface TokenRecord {
  id: string
  userId: string
  name: string
  scope: TokenScope
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  revokedAt: string | null
}

/** Compiled once (db/prepared-query.ts): it runs on every request that carries a token. */
const tokenByHash = preparedQuery((db, tokenHash: string) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('users as u', 'u.id', 't.user_id')
    .selectAll('t')
    .select(['u.username', 'u.site_admin', 'u.created_at as user_created_at'])
    .where('t.token_hash', '=', tokenHash),
)

/** API tokens and browser sessions: only digests of the secrets are stored. */
export class CredentialRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insertToken(t: TokenRecord & { tokenHash: string }): Promise<void> {
    await this.db
      .insertInto('api_tokens')
      .values({
        id: t.id,
        user_id: t.userId,
        name: t.name,
        token_hash: t.tokenHash,
        scope: t.scope,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        last_used_at: null,
        revoked_at: null,
      })
      .execute()
  }

  /**
   * A token and its user in one statement: this runs on every token-authenticated request, so it is one index probe
   * and one primary-key join rather than two round trips. A token whose user is gone is not found.
   */
  async findTokenByHash(tokenHash: string): Promise<{ token: TokenRecord; user: UserRecord } | undefined> {
    const [row] = await tokenByHash(this.db, tokenHash)
    return row && { token: toToken(row), user: userOf(row) }
  }

  async listTokens(userId: string): Promise<TokenRecord[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .selectAll()
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .orderBy('created_at', 'desc')
      .execute()
    return rows.map(toToken)
  }

  async revokeToken(id: string, userId: string, now: string): Promise<boolean> {
    const res = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: now })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst()
    return Number(res.numUpdatedRows) > 0
  }

  async touchToken(id: string, now: string): Promise<void> {
    await this.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute()
  }

  async insertSession(s: { idHash: string; userId: string; csrfToken: string; createdAt: string; expiresAt: string }) {
    await this.db
      .insertInto('sessions')
      .values({
        id_hash: s.idHash,
        user_id: s.userId,
        csrf_token: s.csrfToken,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
      })
      .execute()
  }

  /** A session and its user in one statement (every cookie-authenticated request); a session whose user is gone is not found. */
  async findSession(
    idHash: string,
  ): Promise<{ userId: string; csrfToken: string; expiresAt: string; user: UserRecord } | undefined> {
    const row = await this.db
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .select([
        's.user_id',
        's.csrf_token',
        's.expires_at',
        'u.username',
        'u.site_admin',
        'u.created_at as user_created_at',
      ])
      .where('s.id_hash', '=', idHash)
      .executeTakeFirst()
    return (
      row && { userId: row.user_id, csrfToken: row.csrf_token, expiresAt: toIso(row.expires_at), user: userOf(row) }
    )
  }

  async deleteSession(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
  }

  async deleteExpiredSessions(now: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute()
  }
}

function toToken(r: {
  id: string
  user_id: string
  name: string
  scope: string
  created_at: string | Date
  expires_at: string | Date | null
  last_used_at: string | Date | null
  revoked_at: string | Date | null
}): TokenRecord {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    scope: r.scope as TokenScope,
    createdAt: toIso(r.created_at),
    expiresAt: toIsoOrNull(r.expires_at),
    lastUsedAt: toIsoOrNull(r.last_used_at),
    revokedAt: toIsoOrNull(r.revoked_at),
  }
}

function userOf(r: {
  user_id: string
  username: string
  site_admin: number
  user_created_at: string | Date
}): UserRecord {
  return { id: r.user_id, username: r.username, siteAdmin: r.site_admin === 1, createdAt: toIso(r.user_created_at) }
}
