// A real registry listening on a loopback port (in this process, SQLite in a temp dir) and an admin token.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { buildApp } from '../../../../apps/server/src/app.js'
import { openRegistry } from '../../../../apps/server/src/bootstrap.js'

const password = 'sdk-tests-admin-password'

export async function startLiveRegistry() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-sdk-test-'))
  const registry = await openRegistry({
    database: { kind: 'sqlite', file: path.join(dir, 'registry.sqlite') },
    blobRoot: path.join(dir, 'blobs'),
    adminPassword: password,
  })
  const app = await buildApp({ db: registry.db, services: registry.services })
  const address = await app.listen({ host: '127.0.0.1', port: 0 })
  const login = await fetch(`${address}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  })
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? ''
  const created = await fetch(`${address}/api/v1/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: 'sdk-tests', scope: 'admin' }),
  })
  const { token } = (await created.json()) as { token: string }
  return {
    baseUrl: address,
    token,
    close: async () => {
      await app.close()
      await registry.db.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

export type LiveRegistry = Awaited<ReturnType<typeof startLiveRegistry>>
