// Helpers of the Hugging Face layer's tests: users with tokens of a scope, files uploaded through the native API.
import { expect } from 'vitest'
import type { TestApp } from '../routes/route-kit.js'

export { userToken } from '../routes/route-kit.js'

/** Uploads bytes through the native API (the reference every Hugging Face download is compared with). */
export async function putFile(t: TestApp, model: string, version: string, path: string, bytes: Buffer | string) {
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/models/default/${encodeURIComponent(model)}/versions/${version}/artifacts/${path}`,
    payload: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    headers: { 'content-type': 'application/octet-stream' },
  })
  expect(res.statusCode, res.payload).toBe(201)
}

/** Deterministic pseudo-random bytes (incompressible, reproducible). */
export function bytesOf(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size)
  let x = seed >>> 0 || 1
  for (let i = 0; i < size; i++) {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}
