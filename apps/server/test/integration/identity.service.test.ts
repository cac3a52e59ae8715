import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { actorOf } from '../../src/services/auth.service.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('IdentityService on %s', (dialect) => {
  let t: TestRegistry
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
  })
  afterAll(async () => {
    await t.close()
  })

  it('answers an actor’s own memberships with their roles, a site admin’s too (not every organisation)', async () => {
    const org = uniqueName('org')
    await t.services.identity.createOrg(t.admin, org)
    const user = await t.services.identity.createUser(t.admin, {
      username: uniqueName('member'),
      password: 'password-1',
    })
    await t.services.identity.setMember(t.admin, org, user.username, 'member')
    const mine = await t.services.identity.memberships(actorOf(user, 'read'))
    expect(mine).toEqual([{ org, role: 'member' }])
    const admins = await t.services.identity.memberships(t.admin)
    expect(admins.map((m) => m.org)).not.toContain(org)
    expect((await t.services.identity.listOrgs(t.admin)).map((o) => o.org)).toContain(org)
  })
})
