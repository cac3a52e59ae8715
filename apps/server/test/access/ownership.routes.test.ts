// Things reached by id rather than by model name: deployments and upload sessions stay with those who may see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dialects, openTestApp } from '../helpers/registry.js'

describe.each(dialects)('resources by id on %s', (dialect) => {
  let t: Awaited<ReturnType<typeof openTestApp>>
  const bearer = new Map<string, { authorization: string }>()
  beforeAll(async () => {
    t = await openTestApp(dialect)
    await t.app.inject({ method: 'POST', url: '/api/v1/orgs', payload: { name: 'lab' } })
    for (const [username, org, role] of [
      ['carol', 'lab', 'member'],
      ['dave', 'lab', 'member'],
      ['mallory', 'default', 'member'],
    ] as const) {
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        payload: { username, password: `${username}-password` },
      })
      await t.app.inject({ method: 'PUT', url: `/api/v1/orgs/${org}/members/${username}`, payload: { role } })
      const token = await t.services.auth.createToken(
        {
          ...t.admin,
          userId: (await t.store.pool.users.findByUsername(username))?.id ?? '',
          username,
          siteAdmin: false,
        },
        { name: 't', scope: 'write' },
      )
      bearer.set(username, { authorization: `Bearer ${token.token}` })
    }
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { org: 'lab', name: 'secret-model', framework: 'onnx' },
      headers: bearer.get('carol'),
    })
    expect(created.statusCode).toBe(201)
  })
  afterAll(async () => {
    await t.close()
  })

  it('hides a private model\u2019s deployments from outsiders and other members, by id and in lists', async () => {
    const d = await t.app.inject({
      method: 'POST',
      url: '/api/v1/deployments',
      payload: { model: 'lab/secret-model', version: '1.0.0', environment: 'prod' },
      headers: bearer.get('carol'),
    })
    expect(d.statusCode).toBe(201)
    const id = d.json().id
    for (const who of ['mallory', 'dave']) {
      expect(
        (await t.app.inject({ method: 'GET', url: `/api/v1/deployments/${id}`, headers: bearer.get(who) })).statusCode,
      ).toBe(404)
      expect(
        (await t.app.inject({ method: 'POST', url: `/api/v1/deployments/${id}/stop`, headers: bearer.get(who) }))
          .statusCode,
      ).toBe(404)
      const list = await t.app.inject({ method: 'GET', url: '/api/v1/deployments', headers: bearer.get(who) })
      expect(list.json().items).toEqual([])
    }
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/deployments/${id}/stop`, headers: bearer.get('carol') }))
        .statusCode,
    ).toBe(200)
  })

  it('keeps an upload session to the user who opened it', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/lab/secret-model/versions',
      payload: { version: '1.1.0' },
      headers: bearer.get('carol'),
    })
    const s = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/lab/secret-model/versions/1.1.0/uploads',
      payload: { path: 'w.bin' },
      headers: bearer.get('carol'),
    })
    expect(s.statusCode, s.payload).toBe(201)
    const id = s.json().id
    const part = (who: string) =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/uploads/${id}/parts/1`,
        payload: Buffer.from('x'),
        headers: { ...bearer.get(who), 'content-type': 'application/octet-stream' },
      })
    expect((await part('mallory')).statusCode).toBe(404)
    expect((await part('dave')).statusCode).toBe(404)
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}`, headers: bearer.get('dave') })).statusCode,
    ).toBe(404)
    expect((await part('carol')).statusCode).toBe(200)
  })

  it('checks access as it is now on every call of an upload session', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'erin', password: 'erin-password' },
    })
    const member = (role: string) =>
      t.app.inject({ method: 'PUT', url: '/api/v1/orgs/lab/members/erin', payload: { role } })
    expect((await member('member')).statusCode).toBe(204)
    const erin = await t.store.pool.users.findByUsername('erin')
    const token = await t.services.auth.createToken(
      { ...t.admin, userId: erin?.id ?? '', username: 'erin', siteAdmin: false },
      { name: 't', scope: 'write' },
    )
    const headers = { authorization: `Bearer ${token.token}` }
    const call = (method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: Buffer) =>
      t.app.inject({
        method,
        url,
        headers: { ...headers, ...(payload && { 'content-type': 'application/octet-stream' }) },
        ...(payload && { payload }),
      })
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/models',
          headers,
          payload: { org: 'lab', name: 'erin-model', framework: 'onnx' },
        })
      ).statusCode,
    ).toBe(201)
    const start = async (auth = headers) => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/models/lab/erin-model/versions/1.0.0/uploads',
        headers: auth,
        payload: { path: 'w.bin' },
      })
      expect(res.statusCode, res.payload).toBe(201)
      const id = res.json().id as string
      expect((await call('PUT', `/api/v1/uploads/${id}/parts/1`, Buffer.from('abc'))).statusCode).toBe(200)
      return id
    }
    const asAdmin = async (id: string) =>
      (await t.app.inject({ method: 'GET', url: `/api/v1/uploads/${id}` })).statusCode
    // Removed from the organisation: the open session is out of reach at once, and dropped with its parts.
    const removed = await start()
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/orgs/lab/members/erin' })).statusCode).toBe(204)
    expect((await call('GET', `/api/v1/uploads/${removed}`)).statusCode).toBe(404)
    expect((await call('PUT', `/api/v1/uploads/${removed}/parts/2`, Buffer.from('def'))).statusCode).toBe(404)
    expect((await call('POST', `/api/v1/uploads/${removed}/complete`)).statusCode).toBe(404)
    expect((await call('DELETE', `/api/v1/uploads/${removed}`)).statusCode).toBe(404)
    expect(await asAdmin(removed)).toBe(404)
    expect(await t.parts.list()).not.toContain(removed)
    // Demoted to viewer: still sees the model, may no longer write it.
    expect((await member('member')).statusCode).toBe(204)
    const demoted = await start()
    expect((await member('viewer')).statusCode).toBe(204)
    expect((await call('PUT', `/api/v1/uploads/${demoted}/parts/2`, Buffer.from('def'))).statusCode).toBe(403)
    // The session could never complete: it is gone after that answer.
    expect((await call('POST', `/api/v1/uploads/${demoted}/complete`)).statusCode).toBe(404)
    expect(await asAdmin(demoted)).toBe(404)
    // A read-only token of someone who still may write: refused, and the session is kept.
    expect((await member('member')).statusCode).toBe(204)
    const kept = await start()
    const read = await t.services.auth.createToken(
      { ...t.admin, userId: erin?.id ?? '', username: 'erin', siteAdmin: false },
      { name: 'r', scope: 'read' },
    )
    const status = await t.app.inject({
      method: 'GET',
      url: `/api/v1/uploads/${kept}`,
      headers: { authorization: `Bearer ${read.token}` },
    })
    expect(status.statusCode).toBe(403)
    expect(await asAdmin(kept)).toBe(200)
    const mine = await call('GET', '/api/v1/uploads')
    expect(mine.json().items.map((u: { id: string }) => u.id)).toEqual([kept])
    expect(
      (await t.app.inject({ method: 'GET', url: '/api/v1/models/lab/erin-model/versions/1.0.0/artifacts' })).json()
        .items,
    ).toEqual([])
  })

  it('stops a shared writer\u2019s upload session when the share is withdrawn', async () => {
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/models',
      payload: { org: 'lab', name: 'shared-upload', framework: 'onnx' },
      headers: bearer.get('carol'),
    })
    const share = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/models/lab/shared-upload/shares/dave',
      payload: { permission: 'write' },
      headers: bearer.get('carol'),
    })
    expect(share.statusCode).toBe(204)
    const s = await t.app.inject({
      method: 'POST',
      url: '/api/v1/models/lab/shared-upload/versions/1.0.0/uploads',
      payload: { path: 'w.bin' },
      headers: bearer.get('dave'),
    })
    expect(s.statusCode, s.payload).toBe(201)
    const part = () =>
      t.app.inject({
        method: 'PUT',
        url: `/api/v1/uploads/${s.json().id}/parts/1`,
        payload: Buffer.from('x'),
        headers: { ...bearer.get('dave'), 'content-type': 'application/octet-stream' },
      })
    expect((await part()).statusCode).toBe(200)
    const unshare = await t.app.inject({
      method: 'DELETE',
      url: '/api/v1/models/lab/shared-upload/shares/dave',
      headers: bearer.get('carol'),
    })
    expect(unshare.statusCode).toBe(204)
    expect((await part()).statusCode).toBe(404)
  })

  it('shares a private model with a member for reading, then for writing', async () => {
    const get = () =>
      t.app.inject({ method: 'GET', url: '/api/v1/models/lab/secret-model', headers: bearer.get('dave') })
    const edit = () =>
      t.app.inject({
        method: 'PATCH',
        url: '/api/v1/models/lab/secret-model',
        payload: { modelType: 'bert' },
        headers: bearer.get('dave'),
      })
    expect((await get()).statusCode).toBe(404)
    const share = (permission: string) =>
      t.app.inject({
        method: 'PUT',
        url: '/api/v1/models/lab/secret-model/shares/dave',
        payload: { permission },
        headers: bearer.get('carol'),
      })
    expect((await share('read')).statusCode).toBe(204)
    expect((await get()).statusCode).toBe(200)
    expect((await edit()).statusCode).toBe(403)
    expect((await share('write')).statusCode).toBe(204)
    expect((await edit()).statusCode).toBe(200)
    const outside = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/models/lab/secret-model/shares/mallory',
      payload: { permission: 'read' },
      headers: bearer.get('carol'),
    })
    expect(outside.statusCode).toBe(400)
    const events = await t.app.inject({
      method: 'GET',
      url: '/api/v1/models/lab/secret-model/events?type=model.updated',
    })
    expect(events.json().items[0].actor).toBe('dave')
  })
})
