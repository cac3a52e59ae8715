import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { DUMMY_HASH } from '../domain/password.js'
import { DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../errors.js'
import type { TokenRecord, TokenScope } from '../repositories/credential.repository.js'
import type { UserRecord } from '../repositories/user.repository.js'
import type { LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Actor, ServiceDeps } from './service-deps.js'

const SESSION_HOURS = 12
/** The repositories this module uses (its named dependencies). */
type Uses = 'audit' | 'credentials' | 'organisations' | 'users'

/** Credentials expire by the wall clock, whatever clock the domain events use. */
const wallClock = () => new Date().toISOString()
const scopes: TokenScope[] = ['read', 'write', 'admin']
/** The audit log's actor of a failed sign-in to no existing account (no username has brackets or spaces). */
export const UNKNOWN_ACCOUNT = '(unknown account)'
/** Tokens and session ids are stored as their sha256: high-entropy secrets need no slow hash. */
export const digest = (secret: string) => createHash('sha256').update(secret).digest('hex')
const secret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`

export interface SessionCredentials {
  user: UserRecord
  sessionId: string
  csrfToken: string
  expiresAt: string
}

/** Sign-in, browser sessions and personal API tokens. Secrets are returned once and stored as digests. */
export class AuthService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly throttle: LoginThrottle,
    private readonly passwords: PasswordHasher,
  ) {}

  /** First start: the site admin "admin" in organisation "default", with the given or a generated password. */
  async bootstrapAdmin(password?: string): Promise<{ created: boolean; password?: string }> {
    const repos = this.deps.store.pool
    if ((await repos.users.count()) > 0) return { created: false }
    const chosen = password ?? randomBytes(12).toString('base64url')
    const now = wallClock()
    const id = randomUUID()
    await this.deps.store.transaction(async (tx) => {
      await tx.users.insert({
        id,
        username: 'admin',
        siteAdmin: true,
        createdAt: now,
        passwordHash: await this.passwords.hash(chosen),
      })
      const org = await tx.organisations.ensure('default', now)
      await tx.users.setMembership(org.id, id, 'admin', now)
    })
    return { created: true, password: password === undefined ? chosen : undefined }
  }

  /**
   * Signs in. The attempt is counted before the password is checked (docs/security.md): parallel attempts cannot
   * overtake the throttle, and only a right password takes the attempt back.
   */
  async login(username: string, password: string, ip: string): Promise<SessionCredentials> {
    const begun = await this.throttle.begin(username.toLowerCase(), ip)
    if ('retryAfter' in begun) {
      const wait = begun.retryAfter
      throw new DomainError('TOO_MANY_REQUESTS', `too many failed sign-ins; try again in ${wait} s`, {
        retryAfter: wait,
      })
    }
    const repos = this.deps.store.pool
    let credentials: Awaited<ReturnType<typeof repos.users.findCredentials>>
    let ok: boolean
    try {
      credentials = await repos.users.findCredentials(username)
      // Spend the same time whether or not the user exists.
      ok = await this.passwords.verify(password, credentials?.passwordHash ?? DUMMY_HASH)
    } catch (err) {
      await this.throttle.withdraw(begun.attempt)
      throw err
    }
    const now = wallClock()
    const user = credentials && ok ? await repos.users.findById(credentials.id) : undefined
    if (!user) {
      // What was typed as the username is kept only when it names an account: it may be a mistyped password.
      const actor = credentials ? credentials.username : UNKNOWN_ACCOUNT
      await repos.audit.append({ type: 'login.failed', actor, ip, at: now, data: {} })
      throw new UnauthenticatedError('wrong username or password')
    }
    await this.throttle.succeeded(begun.attempt)
    const sessionId = secret('mrs_')
    const csrfToken = randomBytes(24).toString('base64url')
    const expiresAt = new Date(Date.parse(now) + SESSION_HOURS * 3_600_000).toISOString()
    await repos.credentials.insertSession({
      idHash: digest(sessionId),
      userId: user.id,
      csrfToken,
      createdAt: now,
      expiresAt,
    })
    await repos.audit.append({ type: 'login.succeeded', actor: user.username, ip, at: now, data: {} })
    return { user, sessionId, csrfToken, expiresAt }
  }

  async logout(sessionId: string): Promise<void> {
    await this.deps.store.pool.credentials.deleteSession(digest(sessionId))
  }

  /** The actor of a browser session (full rights of its user) and the CSRF token its writes must carry. */
  async authenticateSession(
    sessionId: string,
  ): Promise<{ actor: Actor; csrfToken: string; expiresAt: string } | undefined> {
    const repos = this.deps.store.pool
    const session = await repos.credentials.findSession(digest(sessionId))
    if (!session || session.expiresAt <= wallClock()) return undefined
    return {
      actor: actorOf(session.user, 'admin', 'session'),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    }
  }

  /** The actor of a bearer token; revocation and expiry take effect at once. */
  async authenticateToken(token: string, ip: string): Promise<Actor | undefined> {
    const repos = this.deps.store.pool
    const found = await repos.credentials.findTokenByHash(digest(token))
    const now = wallClock()
    if (!found) return undefined
    const { token: record, user } = found
    if (record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return undefined
    // Record use at most once a minute per token: last-used time and an audit entry.
    if (record.lastUsedAt === null || Date.parse(now) - Date.parse(record.lastUsedAt) > 60_000) {
      await repos.credentials.touchToken(record.id, now)
      await repos.audit.append({
        type: 'token.used',
        actor: user.username,
        ip,
        at: now,
        data: { token: record.id, name: record.name },
      })
    }
    return actorOf(user, record.scope, 'token')
  }

  async createToken(
    actor: Actor,
    body: { name: string; scope?: TokenScope; expiresAt?: string },
  ): Promise<{ record: TokenRecord; token: string }> {
    // A token never mints tokens: a child could outlive its parent's expiry and survive its revocation.
    if (actor.credential !== 'session') {
      throw new ForbiddenError(
        'API tokens are created from a signed-in session (the web UI, or POST /api/v1/auth/login then this request with its cookie), not with another token',
      )
    }
    const scope = body.scope ?? 'write'
    if (scopes.indexOf(scope) > scopes.indexOf(actor.scope)) {
      throw new ForbiddenError(`a ${actor.scope}-scoped credential cannot create a ${scope}-scoped token`)
    }
    const now = wallClock()
    if (body.expiresAt !== undefined && Date.parse(body.expiresAt) <= Date.parse(now)) {
      throw new ValidationError('expiresAt must be in the future', { field: 'expiresAt' })
    }
    const token = secret('mrt_')
    const record: TokenRecord = {
      id: randomUUID(),
      userId: actor.userId,
      name: body.name,
      scope,
      createdAt: now,
      expiresAt: body.expiresAt === undefined ? null : new Date(body.expiresAt).toISOString(),
      lastUsedAt: null,
      revokedAt: null,
    }
    await this.deps.store.pool.credentials.insertToken({ ...record, tokenHash: digest(token) })
    await this.deps.store.pool.audit.append({
      type: 'token.created',
      actor: actor.username,
      ip: null,
      at: now,
      data: { token: record.id, name: record.name, scope },
    })
    return { record, token }
  }

  listTokens(actor: Actor): Promise<TokenRecord[]> {
    return this.deps.store.pool.credentials.listTokens(actor.userId)
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    const now = wallClock()
    if (!(await this.deps.store.pool.credentials.revokeToken(id, actor.userId, now))) {
      throw new NotFoundError(`token ${id} not found`, { id })
    }
    await this.deps.store.pool.audit.append({
      type: 'token.revoked',
      actor: actor.username,
      ip: null,
      at: now,
      data: { token: id },
    })
  }
}

/** The actor of a user's credential; a token's unless told it is a signed-in session. */
export const actorOf = (user: UserRecord, scope: TokenScope, credential: Actor['credential'] = 'token'): Actor => ({
  userId: user.id,
  username: user.username,
  siteAdmin: user.siteAdmin,
  scope,
  credential,
})
