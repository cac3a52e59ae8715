import { randomUUID } from 'node:crypto'
import { isUniqueViolation } from '../db/database.js'
import { checkOrgName } from '../domain/names.js'
import { AlreadyExistsError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import type { GrantPermission } from '../repositories/grant.repository.js'
import type { Role, UserRecord } from '../repositories/user.repository.js'
import { type AccessUses, writableModel } from './access.js'
import type { PasswordHasher } from './password-hasher.js'
import type { Actor, ServiceDeps } from './service-deps.js'

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** The repositories this module uses (its named dependencies). */
type Uses = 'grants' | 'organisations' | 'users' | AccessUses

/** People, organisations, memberships and model shares: site admins manage users and organisations,
 * organisation admins their members, owners (and admins) the shares of their models. */
export class IdentityService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly passwords: PasswordHasher,
  ) {}

  async createUser(
    actor: Actor,
    body: { username: string; password: string; siteAdmin?: boolean },
  ): Promise<UserRecord> {
    requireSiteAdmin(actor)
    if (!USERNAME.test(body.username)) {
      throw new ValidationError('usernames are 1–64 lower-case letters, digits, ".", "-" or "_"', { field: 'username' })
    }
    if ([...body.password].length < 8)
      throw new ValidationError('passwords have at least 8 characters', { field: 'password' })
    const user: UserRecord = {
      id: randomUUID(),
      username: body.username,
      siteAdmin: body.siteAdmin ?? false,
      createdAt: this.deps.clock(),
    }
    try {
      await this.deps.store.pool.users.insert({ ...user, passwordHash: await this.passwords.hash(body.password) })
    } catch (err) {
      if (isUniqueViolation(err))
        throw new AlreadyExistsError(`user "${body.username}" already exists`, { username: body.username })
      throw err
    }
    return user
  }

  async createOrg(actor: Actor, name: string): Promise<{ id: string; name: string }> {
    requireSiteAdmin(actor)
    checkOrgName(name)
    const repos = this.deps.store.pool
    if (await repos.organisations.findByName(name))
      throw new AlreadyExistsError(`organisation "${name}" already exists`, { org: name })
    return repos.organisations.ensure(name, this.deps.clock())
  }

  /** The organisations the actor is a member of and their role in each; a site admin's too, only their own. */
  async memberships(actor: Actor): Promise<{ org: string; role: Role }[]> {
    const mine = await this.deps.store.pool.users.memberships(actor.userId)
    return mine.map((m) => ({ org: m.org, role: m.role }))
  }

  /** The organisations the actor belongs to (every one for a site admin), with the actor's role. */
  async listOrgs(actor: Actor): Promise<{ org: string; role: Role | null }[]> {
    const repos = this.deps.store.pool
    const mine = await repos.users.memberships(actor.userId)
    if (!actor.siteAdmin) return mine.map((m) => ({ org: m.org, role: m.role }))
    const all = await repos.organisations.list()
    return all.map((o) => ({ org: o.name, role: mine.find((m) => m.orgId === o.id)?.role ?? null }))
  }

  async setMember(actor: Actor, org: string, username: string, role: Role): Promise<void> {
    const { orgId, userId } = await this.memberTarget(actor, org, username)
    await this.deps.store.pool.users.setMembership(orgId, userId, role, this.deps.clock())
  }

  async removeMember(actor: Actor, org: string, username: string): Promise<void> {
    const { orgId, userId } = await this.memberTarget(actor, org, username)
    if (!(await this.deps.store.pool.users.removeMembership(orgId, userId))) {
      throw new NotFoundError(`"${username}" is not a member of "${org}"`)
    }
  }

  async listMembers(actor: Actor, org: string): Promise<{ username: string; role: Role }[]> {
    const orgId = await this.orgVisibleTo(actor, org)
    return this.deps.store.pool.users.members(orgId)
  }

  async shareModel(
    actor: Actor,
    org: string,
    name: string,
    username: string,
    permission: GrantPermission,
  ): Promise<void> {
    const repos = this.deps.store.pool
    const model = await writableModel(repos, actor, org, name)
    const user = await repos.users.findByUsername(username)
    const member = user && (await repos.users.memberships(user.id)).some((m) => m.orgId === model.orgId)
    if (!user || !member) {
      throw new ValidationError(
        `"${username}" is not a member of "${org}": models are shared within their organisation`,
        {
          field: 'username',
        },
      )
    }
    await repos.grants.set(model.id, user.id, permission, actor.username, this.deps.clock())
  }

  async unshareModel(actor: Actor, org: string, name: string, username: string): Promise<void> {
    const repos = this.deps.store.pool
    const model = await writableModel(repos, actor, org, name)
    const user = await repos.users.findByUsername(username)
    if (!user || !(await repos.grants.remove(model.id, user.id))) {
      throw new NotFoundError(`"${org}/${name}" is not shared with "${username}"`)
    }
  }

  async listShares(actor: Actor, org: string, name: string) {
    const repos = this.deps.store.pool
    const model = await writableModel(repos, actor, org, name)
    return repos.grants.list(model.id)
  }

  private async memberTarget(actor: Actor, org: string, username: string) {
    const repos = this.deps.store.pool
    const orgId = await this.orgVisibleTo(actor, org)
    const role = (await repos.users.memberships(actor.userId)).find((m) => m.orgId === orgId)?.role
    if (!actor.siteAdmin && role !== 'admin') throw new ForbiddenError(`only admins of "${org}" manage its members`)
    if (actor.scope !== 'admin')
      throw new ForbiddenError('managing members needs an admin-scoped token or a signed-in session')
    const user = await repos.users.findByUsername(username)
    if (!user) throw new NotFoundError(`user "${username}" not found`, { username })
    return { orgId, userId: user.id }
  }

  private async orgVisibleTo(actor: Actor, org: string): Promise<string> {
    const repos = this.deps.store.pool
    const found = await repos.organisations.findByName(org)
    const member = found && (await repos.users.memberships(actor.userId)).some((m) => m.orgId === found.id)
    if (!found || (!member && !actor.siteAdmin)) throw new NotFoundError(`organisation "${org}" not found`, { org })
    return found.id
  }
}

export function requireSiteAdmin(actor: Actor): void {
  if (!actor.siteAdmin) throw new ForbiddenError('only site administrators can do this')
  if (actor.scope !== 'admin') throw new ForbiddenError('this needs an admin-scoped token or a signed-in session')
}
