// Searching and filtering must not depend on what the caller may not see: a member of another organisation who
// searches for a private model's name, or filters by an organisation they are not in, runs the same statements as
// for a name or organisation that does not exist (so timing cannot tell them apart). Checked on the SQL the
// repositories send, not on timings.
import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AnalyticsRepository } from '../../src/repositories/analytics.repository.js'
import { ModelRepository } from '../../src/repositories/model.repository.js'
import { actorOf } from '../../src/services/auth.service.js'
import type { Actor } from '../../src/services/service-deps.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

/** Records the SQL text of every statement (parameters apart), to compare the work two calls do. */
class Recorder implements KyselyPlugin {
  readonly nodes: PluginTransformQueryArgs['node'][] = []
  transformQuery(args: PluginTransformQueryArgs) {
    this.nodes.push(args.node)
    return args.node
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result
  }
}

describe.each(dialects)('search and filters see only what the caller may see, on %s', (dialect) => {
  let t: TestRegistry
  let eve: Actor
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
    const admin = t.admin
    await t.services.identity.createOrg(admin, 'acme')
    await t.services.identity.createOrg(admin, 'rivals')
    await t.services.identity.createUser(admin, { username: 'eve', password: 'eve-password' })
    await t.services.identity.setMember(admin, 'rivals', 'eve', 'member')
    const eveUser = await t.store.pool.users.findByUsername('eve')
    if (!eveUser) throw new Error('no eve')
    eve = actorOf(eveUser, 'admin')
    await t.services.models.create(admin, { org: 'acme', name: 'secret-merger-model', framework: 'onnx' })
    await t.services.models.create(admin, {
      org: 'acme',
      name: 'public-in-acme',
      framework: 'onnx',
      publicAccess: true,
    })
    await t.services.models.create(eve, { org: 'rivals', name: 'eves-own-model', framework: 'onnx' })
  })
  afterAll(async () => {
    await t.close()
  })

  /** The SQL of one models-list call as `viewer`, and its result. */
  async function listing(viewer: Actor, filter: { q?: string; org?: string }) {
    const recorder = new Recorder()
    const kysely = t.db.kysely.withPlugin(recorder)
    const page = await new ModelRepository(kysely, t.db.dialect).list({ viewer, sort: 'name', limit: 50, ...filter })
    return {
      names: page.items.map((m) => m.model.name),
      sql: recorder.nodes.map((n) => kysely.getExecutor().compileQuery(n, { queryId: 'q' }).sql),
    }
  }

  async function summary(viewer: Actor, org: string) {
    const recorder = new Recorder()
    const kysely = t.db.kysely.withPlugin(recorder)
    const result = await new AnalyticsRepository(kysely, t.db.dialect).summary({ viewer, org })
    return { result, sql: recorder.nodes.map((n) => kysely.getExecutor().compileQuery(n, { queryId: 'q' }).sql) }
  }

  it("runs the same statements for another organisation's private name as for a name nobody has", async () => {
    for (const term of ['secret-merger', 'secret-merger-model', 'se']) {
      const hidden = await listing(eve, { q: term })
      const absent = await listing(eve, { q: term.replace(/^s/, 'z') })
      expect(hidden.names).toEqual([])
      expect(absent.names).toEqual([])
      expect(hidden.sql).toEqual(absent.sql)
    }
    expect((await listing(eve, { q: 'eves-own' })).names).toEqual(['eves-own-model'])
    expect((await listing(t.admin, { q: 'secret-merger' })).names).toEqual(['secret-merger-model'])
  })

  it('runs the same statements for an organisation the caller is not in as for one that does not exist', async () => {
    const other = await listing(eve, { org: 'acme' })
    const none = await listing(eve, { org: 'no-such-org' })
    expect(other.names).toEqual([])
    expect(other.sql).toEqual(none.sql)
    expect((await listing(eve, { org: 'rivals' })).names).toEqual(['eves-own-model'])
    expect((await listing(t.admin, { org: 'acme' })).names).toEqual(['public-in-acme', 'secret-merger-model'])
  })

  it('counts analytics the same way for an organisation the caller is not in as for one that does not exist', async () => {
    const other = await summary(eve, 'acme')
    const none = await summary(eve, 'no-such-org')
    expect(other.result).toEqual({ groups: [], artifacts: 0, artifactBytes: 0, downloads: 0 })
    expect(other.sql).toEqual(none.sql)
    expect((await summary(eve, 'rivals')).result.groups.map((g) => g.models)).toEqual([1])
  })
})
