// The SDK names versions the way the registry resolves them: an alias or an npm range goes wherever a version
// goes, and downloadVersion fetches the files of the one version it resolved to.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient, unwrap } from '../src/index.js'
import { downloadVersion, uploadFolder } from '../src/node/index.js'
import { type LiveRegistry, startLiveRegistry } from './helpers/live-registry.js'

let live: LiveRegistry
let work: string

beforeAll(async () => {
  live = await startLiveRegistry()
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-sdk-refs-'))
  const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
  unwrap(await api.POST('/api/v1/models', { body: { name: 'refs', version: '1.0.0', framework: 'onnx' } }))
  for (const version of ['1.0.0', '1.2.0', '1.3.0-rc.1']) {
    if (version !== '1.0.0') {
      unwrap(
        await api.POST('/api/v1/models/{org}/{name}/versions', {
          params: { path: { org: 'default', name: 'refs' } },
          body: { version },
        }),
      )
    }
    const folder = path.join(work, `src-${version}`)
    fs.mkdirSync(folder, { recursive: true })
    fs.writeFileSync(path.join(folder, 'model.txt'), `model ${version}`)
    await uploadFolder({ client: { baseUrl: live.baseUrl, token: live.token }, name: 'refs', version, folder })
  }
})
afterAll(async () => {
  await live?.close()
  if (work) fs.rmSync(work, { recursive: true, force: true })
})

describe('version references through the SDK', () => {
  it('sets an alias with the typed client and downloads by alias and by range', async () => {
    const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
    const alias = unwrap(
      await api.PUT('/api/v1/models/{org}/{name}/aliases/{alias}', {
        params: { path: { org: 'default', name: 'refs', alias: 'champion' } },
        body: { version: '1.0.0' },
      }),
    )
    expect(alias).toMatchObject({ name: 'champion', version: '1.0.0' })
    const client = { baseUrl: live.baseUrl, token: live.token }
    for (const [ref, expected] of [
      ['champion', '1.0.0'],
      ['^1.2', '1.2.0'],
      ['>=1.3.0-rc.0', '1.3.0-rc.1'],
    ] as const) {
      const folder = path.join(work, `pulled-${expected}-${ref.length}`)
      const pulled = await downloadVersion({ client, name: 'refs', version: ref, folder })
      expect(pulled.version.version, ref).toBe(expected)
      expect(fs.readFileSync(path.join(folder, 'model.txt'), 'utf8')).toBe(`model ${expected}`)
    }
    const res = await fetch(`${live.baseUrl}/api/v1/models/default/refs/versions/${encodeURIComponent('~1.2')}`, {
      headers: { authorization: `Bearer ${live.token}` },
    })
    expect(res.headers.get('x-modelreg-version')).toBe('1.2.0')
  })
})
