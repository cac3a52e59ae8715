// The presigned download offload through the Hub API's resolve: with the S3 blob store (the real Ceph RGW) the
// registry answers HEAD itself and redirects a GET to a presigned URL, and huggingface_hub and @huggingface/hub
// follow it and get the bytes uploaded through the native API.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { downloadFile } from '@huggingface/hub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { runPython } from '../helpers/python-clients.js'
import { openTestApp, unitLane } from '../helpers/registry.js'
import { createModel, type TestApp } from '../routes/route-kit.js'
import { bytesOf, putFile } from './hf-kit.js'

const PORT = 4834
const endpoint = `http://127.0.0.1:${PORT}/hf`
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')

describe.skipIf(unitLane)('Hugging Face clients downloading through the presigned S3 redirect', () => {
  let t: TestApp
  let repo: string
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"model_type": "bert"}\n'),
    'model.safetensors': bytesOf(2 * 1024 * 1024 + 5, 31),
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-hf-offload-'))

  beforeAll(async () => {
    t = await openTestApp('sqlite', {
      blobs: 's3',
      downloads: { mode: 'presigned', presignTtlSeconds: 300, accelPrefix: '/' },
    })
    await t.app.listen({ port: PORT, host: '127.0.0.1' })
    const name = (await createModel(t, { name: uniqueName('hf-offload') })).name
    for (const [p, bytes] of Object.entries(files)) await putFile(t, name, '1.0.0', p, bytes)
    repo = `default/${name}`
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('redirects a GET of resolve to S3 with the Hub headers on the redirect; HEAD is answered here', async () => {
    const head = await t.app.inject({ method: 'HEAD', url: `/hf/${repo}/resolve/main/model.safetensors` })
    expect(head.statusCode).toBe(200)
    expect(head.headers['x-linked-size']).toBe(String(files['model.safetensors']?.length))
    const get = await t.app.inject({ url: `/hf/${repo}/resolve/main/model.safetensors` })
    expect(get.statusCode).toBe(302)
    expect(String(get.headers.location)).toMatch(/^http:\/\/127\.0\.0\.1:7480\//)
    expect(get.headers['x-repo-commit']).toMatch(/^[0-9a-f]{40}$/)
  })

  it('@huggingface/hub downloadFile follows the redirect and gets the bytes', async () => {
    for (const [p, bytes] of Object.entries(files)) {
      const blob = await downloadFile({ repo, path: p, hubUrl: endpoint, accessToken: `hf_${t.token}` })
      expect(blob, p).not.toBeNull()
      expect(md5(Buffer.from(await (blob as Blob).arrayBuffer())), p).toBe(md5(bytes))
    }
  })

  it('huggingface_hub hf_hub_download and snapshot_download follow the redirect and get the bytes', async () => {
    const script = `
import hashlib, json, os
from huggingface_hub import hf_hub_download, snapshot_download
out = {"one": hashlib.md5(open(hf_hub_download(${JSON.stringify(repo)}, "model.safetensors"), "rb").read()).hexdigest()}
snap = snapshot_download(${JSON.stringify(repo)}, revision="1.0.0")
out["snapshot"] = {n: hashlib.md5(open(os.path.join(snap, n), "rb").read()).hexdigest() for n in sorted(os.listdir(snap))}
print(json.dumps(out))
`
    const env = {
      HF_ENDPOINT: endpoint,
      HF_TOKEN: t.token,
      HF_HOME: home,
      HF_HUB_DISABLE_TELEMETRY: '1',
      HF_HUB_DISABLE_XET: '1',
    }
    const result = JSON.parse(await runPython(script, { clients: ['huggingface_hub-0.36.2'], env, timeoutMs: 120_000 }))
    expect(result.one).toBe(md5(files['model.safetensors'] as Buffer))
    expect(result.snapshot).toEqual(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, md5(b)])))
  })
})
