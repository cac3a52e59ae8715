// The browser entry against a real registry: typed calls, typed errors, uploadArtifact in one PUT and in parts.
import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createApiClient, ModelregError, unwrap, uploadArtifact } from '../src/index.js'
import { type LiveRegistry, startLiveRegistry } from './helpers/live-registry.js'

let live: LiveRegistry
beforeAll(async () => {
  live = await startLiveRegistry()
  const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
  unwrap(await api.POST('/api/v1/models', { body: { name: 'uploads', version: '1.0.0', framework: 'onnx' } }))
})
afterAll(() => live?.close())

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex')

describe('createApiClient and unwrap', () => {
  it('returns typed data and throws ModelregError with the API code', async () => {
    const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
    const model = unwrap(
      await api.GET('/api/v1/models/{org}/{name}', { params: { path: { org: 'default', name: 'uploads' } } }),
    )
    expect(model.latestVersion?.version).toBe('1.0.0')
    const missing = await api.GET('/api/v1/models/{org}/{name}', { params: { path: { org: 'default', name: 'nope' } } })
    const err = (() => {
      try {
        unwrap(missing)
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(ModelregError)
    expect(err).toMatchObject({ status: 404, code: 'NOT_FOUND' })
  })

  it('sends dynamic headers and reports a wrong token as UNAUTHENTICATED', async () => {
    const api = createApiClient({ baseUrl: live.baseUrl, headers: () => ({ authorization: 'Bearer mrt_wrong' }) })
    const res = await api.GET('/api/v1/models')
    expect(() => unwrap(res)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED', status: 401 }))
  })

  it('reports an unreachable registry as NETWORK', async () => {
    const api = createApiClient({ baseUrl: 'http://127.0.0.1:9', token: 't' })
    await expect(api.GET('/api/v1/models')).rejects.toMatchObject({ code: 'NETWORK', status: 0 })
  })
})

describe('uploadArtifact', () => {
  it('uploads a small Blob in one request with its media type', async () => {
    const api = createApiClient({ baseUrl: live.baseUrl, token: live.token })
    const bytes = randomBytes(1000)
    const seen: number[] = []
    const artifact = await uploadArtifact({
      client: api,
      name: 'uploads',
      version: '1.0.0',
      path: 'config/small.json',
      file: new Blob([bytes], { type: 'application/json' }),
      onProgress: (sent) => seen.push(sent),
    })
    expect(artifact).toMatchObject({ path: 'config/small.json', size: 1000, sha256: sha256(bytes) })
    expect(artifact.mediaType).toContain('application/json')
    expect(seen.at(-1)).toBe(1000)
  })

  it('uploads a large Blob as a resumable session, part by part, with progress', async () => {
    const bytes = randomBytes(12 * 1024 * 1024 + 123)
    const seen: number[] = []
    let session = ''
    const artifact = await uploadArtifact({
      client: { baseUrl: live.baseUrl, token: live.token },
      name: 'uploads',
      version: '1.0.0',
      path: 'weights/big.bin',
      file: new Blob([bytes]),
      singleRequestLimit: 5 * 1024 * 1024,
      partSize: 5 * 1024 * 1024,
      onSession: (id) => {
        session = id
      },
      onProgress: (sent) => seen.push(sent),
    })
    expect(session).toMatch(/^[0-9a-f-]{36}$/)
    expect(artifact).toMatchObject({ size: bytes.length, sha256: sha256(bytes) })
    expect(seen.at(-1)).toBe(bytes.length)
    const res = await fetch(`${live.baseUrl}/api/v1/models/default/uploads/versions/1.0.0/artifacts/weights/big.bin`, {
      headers: { authorization: `Bearer ${live.token}` },
    })
    expect(sha256(new Uint8Array(await res.arrayBuffer()))).toBe(sha256(bytes))
  })

  it('refuses bytes that do not match the declared sha256, storing nothing', async () => {
    const upload = uploadArtifact({
      client: { baseUrl: live.baseUrl, token: live.token },
      name: 'uploads',
      version: '1.0.0',
      path: 'bad.bin',
      file: new Blob([randomBytes(10)]),
      sha256: '0'.repeat(64),
    })
    await expect(upload).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH', status: 400 })
  })
})
