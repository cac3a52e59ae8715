import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseReference } from '../../src/domain/version-reference.js'
import { actorOf } from '../../src/services/auth.service.js'
import type { Actor } from '../../src/services/service-deps.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry } from '../helpers/registry.js'

describe.each(dialects)('HfRepoService on %s', (dialect) => {
  let t: TestRegistry
  let outsider: Actor
  beforeAll(async () => {
    t = await openTestRegistry(dialect)
    await t.services.identity.createOrg(t.admin, 'hf-others')
    const user = await t.services.identity.createUser(t.admin, {
      username: uniqueName('outsider'),
      password: 'password-1',
    })
    await t.services.identity.setMember(t.admin, 'hf-others', user.username, 'member')
    outsider = actorOf(user, 'write')
  })
  afterAll(async () => {
    await t.close()
  })

  const upload = (name: string, version: string, path: string, text: string) =>
    t.services.artifacts.upload(
      t.admin,
      { org: 'default', name, version, path },
      Readable.from([Buffer.from(text)]),
      {},
    )

  it('finds a model as its access rules allow, and answers not found to anyone else', async () => {
    const name = uniqueName('hf-private')
    await t.services.models.create(t.admin, { name, framework: 'onnx', publicAccess: false })
    expect((await t.services.hfRepos.model(t.admin, 'default', name, 'write')).name).toBe(name)
    await expect(t.services.hfRepos.model(outsider, 'default', name)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(t.services.hfRepos.model(outsider, 'default', name, 'write')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('takes main to be the Production version, else the highest release, else the highest version', async () => {
    const name = uniqueName('hf-main')
    await t.services.models.create(t.admin, { name, framework: 'onnx', version: '1.0.0-rc.1' })
    const model = await t.services.hfRepos.model(t.admin, 'default', name)
    expect((await t.services.hfRepos.mainVersion(model))?.version).toBe('1.0.0-rc.1')
    await t.services.versions.create(t.admin, 'default', name, { version: '1.0.0' })
    await t.services.versions.create(t.admin, 'default', name, { version: '1.1.0' })
    expect((await t.services.hfRepos.mainVersion(model))?.version).toBe('1.1.0')
    await t.services.versions.changeStage(t.admin, 'default', name, '1.0.0', { stage: 'production' })
    expect((await t.services.hfRepos.mainVersion(model))?.version).toBe('1.0.0')
  })

  it('finds versions by reference and by id, never another model’s version', async () => {
    const a = uniqueName('hf-a')
    const b = uniqueName('hf-b')
    await t.services.models.create(t.admin, { name: a, framework: 'onnx' })
    await t.services.models.create(t.admin, { name: b, framework: 'onnx' })
    const modelA = await t.services.hfRepos.model(t.admin, 'default', a)
    const modelB = await t.services.hfRepos.model(t.admin, 'default', b)
    const v = await t.services.hfRepos.versionByReference(modelA, parseReference('1.0.0'))
    expect(v?.version).toBe('1.0.0')
    expect(await t.services.hfRepos.versionByReference(modelA, parseReference('9.9.9'))).toBeUndefined()
    expect((await t.services.hfRepos.versionById(modelA, v?.id ?? -1))?.id).toBe(v?.id)
    expect(await t.services.hfRepos.versionById(modelB, v?.id ?? -1)).toBeUndefined()
  })

  it('lists a version’s files and reads small ones whole or in part; missing bytes read as undefined', async () => {
    const name = uniqueName('hf-files')
    await t.services.models.create(t.admin, { name, framework: 'onnx' })
    await upload(name, '1.0.0', 'README.md', '---\nlicense: mit\n---\nhello')
    await upload(name, '1.0.0', 'config.json', '{}')
    const model = await t.services.hfRepos.model(t.admin, 'default', name)
    const version = await t.services.hfRepos.mainVersion(model)
    if (!version) throw new Error('no version')
    const files = await t.services.hfRepos.files(version)
    expect(files.map((f) => f.path)).toEqual(['README.md', 'config.json'])
    const readme = files[0]?.sha256 ?? ''
    expect((await t.services.hfRepos.read(readme))?.toString()).toBe('---\nlicense: mit\n---\nhello')
    expect((await t.services.hfRepos.read(readme, { start: 0, end: 2 }))?.toString()).toBe('---')
    expect(await t.services.hfRepos.read('0'.repeat(64))).toBeUndefined()
  })
})
