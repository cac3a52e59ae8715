import { createHash, randomBytes, randomUUID } from 'node:crypto'
import { DUMMY_HASH } from '../domain/password.js'
import { DomainError, ForbiddenError, NotFoundError, UnauthenticatedError, ValidationError } from '../errors.js'
import type { TokenRecord, TokenScope } from '../repositories/credential.repository.js'
import type { UserRecord } from '../repositories/user.repository.js'
import type { LoginThrottle } from './login-throttle.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Actor, ServiceDeps } from './service-deps.js'

const SESSION_HOURS = 12
/** Credentials expire by the wall clock, whatever clock the domain events use. */
const wallClock = () => new Date().toISOString()
const scopes: TokenScope[] = ['read', 'write', 'admin']
/** The audit log's actor of a failed sign-in to no existing account (no username has brackets or spaces). */
export const UNKNOWN_ACCOUNT = '(unknown account)'
/** Tokens and session ids are stored as their sha256: high-entropy secrets need no slow hash. */
export const digest = (secret: string) => createHash('sha256').update(secret).digest('hex')
const secret = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`

/**
 * How long a replica answers for a token it has checked without reading it again (ADR 0028). A revocation made on
 * this replica takes effect at once; one made on another replica, within this time.
 */
export const TOKEN_TRUST_MS = 5_000
/** Tokens kept at most (the oldest is dropped first). */
const TRUSTED_TOKENS_MAX = 10_000
/** A token's use is recorded (last-used time, audit entry) at most once per this time. */
const USE_RECORD_MS = 60_000

interface TrustedToken {
  id: string
  actor: Actor
  /** Epoch milliseconds: trusted until, the token's expiry (Infinity for none) and its last recorded use. */
  until: number
  expiresAt: number
  lastUsedAt: number
}

export interface SessionCredentials {
  user: UserRecord
  sessionId: string
  csrfToken: string
  expiresAt: string
}

/** Sign-in, browser sessions and personal API tokens. Secrets are returned once and stored as digests. */
export class AuthService {
  /** Tokens checked lately, by digest: what authenticateToken may answer without the database. */
  private readonly trustedTokens = new Map<string, TrustedToken>()

  constructor(
    private readonly deps: ServiceDeps,
    private readonly throttle: LoginThrottle,
    private readonly passwords: PasswordHasher,
  ) {}

  /** First start: the site admin "admin" in organisation "default", with the given or a generated password. */
  async bootstrapAdmin(password?: string): Promise<{ created: boolean; password?: string }> {
    const repos = this.deps.store.read
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
    const repos = this.deps.store.read
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
    await this.deps.store.read.credentials.deleteSession(digest(sessionId))
  }

  /** The actor of a browser session (full rights of its user) and the CSRF token its writes must carry. */
  async authenticateSession(
    sessionId: string,
  ): Promise<{ actor: Actor; csrfToken: string; expiresAt: string } | undefined> {
    const repos = this.deps.store.read
    const session = await repos.credentials.findSession(digest(sessionId))
    if (!session || session.expiresAt <= wallClock()) return undefined
    return {
      actor: actorOf(session.user, 'admin', 'session'),
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt,
    }
  }

  /**
   * The actor of a bearer token. A token this replica checked less than TOKEN_TRUST_MS ago is taken from memory
   * (ADR 0028: one statement less on every request); revoking it here drops it at once, expiry is checked on every
   * request, and a revocation made on another replica takes effect here within TOKEN_TRUST_MS.
   */
  async authenticateToken(token: string, ip: string): Promise<Actor | undefined> {
    const hash = digest(token)
    const nowMs = Date.now()
    const trusted = this.trustedTokens.get(hash)
    if (trusted !== undefined) {
      // Past its trust, its expiry or a minute after its recorded use (which the database path records again).
      if (trusted.until > nowMs && trusted.expiresAt > nowMs && nowMs - trusted.lastUsedAt <= USE_RECORD_MS) {
        return trusted.actor
      }
      this.trustedTokens.delete(hash)
    }
    const repos = this.deps.store.read
    const found = await repos.credentials.findTokenByHash(hash)
    const now = wallClock()
    if (!found) return undefined
    const { token: record, user } = found
    if (record.revokedAt !== null || (record.expiresAt !== null && record.expiresAt <= now)) return undefined
    let lastUsedAt = record.lastUsedAt === null ? Number.NEGATIVE_INFINITY : Date.parse(record.lastUsedAt)
    // Record use at most once a minute per token: last-used time and an audit entry.
    if (Date.parse(now) - lastUsedAt > USE_RECORD_MS) {
      await repos.credentials.touchToken(record.id, now)
      await repos.audit.append({
        type: 'token.used',
        actor: user.username,
        ip,
        at: now,
        data: { token: record.id, name: record.name },
      })
      lastUsedAt = Date.parse(now)
    }
    const actor = actorOf(user, record.scope, 'token')
    if (this.trustedTokens.size >= TRUSTED_TOKENS_MAX) {
      const oldest = this.trustedTokens.keys().next().value
      if (oldest !== undefined) this.trustedTokens.delete(oldest)
    }
    this.trustedTokens.set(hash, {
      id: record.id,
      actor,
      until: nowMs + TOKEN_TRUST_MS,
      expiresAt: record.expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(record.expiresAt),
      lastUsedAt,
    })
    return actor
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
    await this.deps.store.read.credentials.insertToken({ ...record, tokenHash: digest(token) })
    await this.deps.store.read.audit.append({
      type: 'token.created',
      actor: actor.username,
      ip: null,
      at: now,
      data: { token: record.id, name: record.name, scope },
    })
    return { record, token }
  }

  listTokens(actor: Actor): Promise<TokenRecord[]> {
    return this.deps.store.read.credentials.listTokens(actor.userId)
  }

  async revokeToken(actor: Actor, id: string): Promise<void> {
    const now = wallClock()
    if (!(await this.deps.store.read.credentials.revokeToken(id, actor.userId, now))) {
      throw new NotFoundError(`token ${id} not found`, { id })
    }
    for (const [hash, trusted] of this.trustedTokens) if (trusted.id === id) this.trustedTokens.delete(hash)
    await this.deps.store.read.audit.append({
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
