import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ModelRecord } from '../../src/repositories/records.js'
import { actorOf } from '../../src/services/auth.service.js'
import type { LfsOffer } from '../../src/services/hf-lfs.service.js'
import type { Actor } from '../../src/services/service-deps.js'
import { uniqueName } from '../helpers/factories.js'
import { dialects, openTestRegistry, type TestRegistry, testClock } from '../helpers/registry.js'

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const bytes = (text: string) => Buffer.from(text.repeat(1000))

describe.each(dialects)('HfLfsService on %s', (dialect) => {
  let t: TestRegistry
  const clock = testClock()
  let member: Actor
  beforeAll(async () => {
    t = await openTestRegistry(dialect, { clock, maxArtifactBytes: 1024 * 1024 })
    const user = await t.services.identity.createUser(t.admin, { username: uniqueName('lfs'), password: 'password-1' })
    await t.services.identity.setMember(t.admin, 'default', user.username, 'admin')
    member = actorOf(user, 'write')
  })
  afterAll(async () => {
    await t.close()
  })

  const newModel = async () => {
    const name = uniqueName('hf-lfs')
    await t.services.models.create(t.admin, { name, framework: 'onnx' })
    return t.services.hfRepos.model(t.admin, 'default', name, 'write')
  }
  const tokenOf = (offer: LfsOffer | undefined) => {
    if (offer?.kind !== 'upload') throw new Error(`expected an upload URL, got ${JSON.stringify(offer)}`)
    return offer.token
  }
  const offerOne = async (actor: Actor, model: ModelRecord, body: Buffer) =>
    tokenOf((await t.services.hfLfs.offerUploads(actor, model, [{ oid: sha256(body), size: body.length }], 60))[0])

  it('offers upload URLs only for bytes the model lacks, and refuses objects over the size limit', async () => {
    const model = await newModel()
    const held = bytes('held')
    await t.services.artifacts.upload(
      t.admin,
      { org: 'default', name: model.name, version: '1.0.0', path: 'a.bin' },
      Readable.from([held]),
      {},
    )
    const fresh = bytes('fresh')
    const offers = await t.services.hfLfs.offerUploads(
      t.admin,
      model,
      [
        { oid: sha256(held), size: held.length },
        { oid: sha256(fresh), size: fresh.length },
        { oid: 'f'.repeat(64), size: 2 * 1024 * 1024 },
      ],
      60,
    )
    expect(offers.map((o) => o.kind)).toEqual(['present', 'upload', 'too-large'])
    expect(offers[1]).toMatchObject({ token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) })
    expect(offers[2]).toMatchObject({ limit: 1024 * 1024 })
  })

  it('stores the bytes sent to an upload URL, and lets only their uploader commit them until released', async () => {
    const model = await newModel()
    const body = bytes('weights')
    const token = await offerOne(member, model, body)
    await t.services.hfLfs.receive(token, Readable.from([body]))
    const file = { path: 'model.safetensors', oid: sha256(body), size: body.length }
    await expect(t.services.hfLfs.claim(t.admin, model, [file])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/was not uploaded/),
    })
    await expect(t.services.hfLfs.claim(member, model, [{ ...file, size: 3 }])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringMatching(/not 3/),
    })
    const claimed = await t.services.hfLfs.claim(member, model, [file])
    expect(claimed).toEqual({
      files: [{ path: 'model.safetensors', sha256: file.oid, size: body.length }],
      uploaded: [file.oid],
    })
    await t.services.hfLfs.release(member, model, claimed.uploaded)
    await expect(t.services.hfLfs.claim(member, model, [file])).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
  })

  it('refuses unknown, expired and wrong-bytes uploads, keeping nothing', async () => {
    const model = await newModel()
    await expect(t.services.hfLfs.receive('not-a-token', Readable.from([]))).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(t.services.hfLfs.receive('A'.repeat(43), Readable.from([]))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'the upload URL is not valid',
    })
    const body = bytes('expected')
    const token = await offerOne(member, model, body)
    await expect(t.services.hfLfs.receive(token, Readable.from([bytes('tampered')]))).rejects.toMatchObject({
      code: 'CHECKSUM_MISMATCH',
    })
    expect(await t.blobs.stat(sha256(body))).toBeUndefined()
    const late = await offerOne(member, model, body)
    clock.set(new Date(Date.parse(clock()) + 120_000).toISOString())
    await expect(t.services.hfLfs.receive(late, Readable.from([body]))).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: expect.stringMatching(/expired/),
    })
    expect(await t.leftovers()).toEqual([])
  })

  it('stages the inline files of a commit within the size limit', async () => {
    const staged = await t.services.hfLfs.stageInline(Buffer.from('{"a": 1}'))
    try {
      expect(staged.info).toMatchObject({ sha256: sha256(Buffer.from('{"a": 1}')), size: 8 })
    } finally {
      await staged.discard()
    }
    await expect(t.services.hfLfs.stageInline(Buffer.alloc(1024 * 1024 + 1))).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    })
  })
})
