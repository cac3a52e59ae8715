// The real Hugging Face clients publish to a registry listening on a port: @huggingface/hub createRepo,
// uploadFiles (inline, LFS and a 100 MiB file), deleteFile; huggingface_hub upload_folder and create_commit with a
// stale parent, and a read token refused. What lands is compared byte for byte through the native API.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRepo, deleteFile, uploadFiles } from '@huggingface/hub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { runPython } from '../helpers/python-clients.js'
import { openTestApp } from '../helpers/registry.js'
import { getJson, modelPath, type TestApp } from '../routes/route-kit.js'
import { bytesOf, userToken } from './hf-kit.js'

const PORT = 4832
const endpoint = `http://127.0.0.1:${PORT}/hf`
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

describe('Hugging Face clients publishing to a running registry', () => {
  let t: TestApp
  let writer: string
  let reader: string
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-hf-up-'))

  const files = async (name: string, version: string): Promise<Record<string, string>> =>
    Object.fromEntries(
      (await getJson(t, `${modelPath(name)}/versions/${version}/artifacts`)).items.map(
        (a: { path: string; sha256: string }) => [a.path, a.sha256],
      ),
    )
  const versions = async (name: string) =>
    (await getJson(t, `${modelPath(name)}/versions?limit=100`)).items.map((v: { version: string }) => v.version).sort()

  beforeAll(async () => {
    t = await openTestApp('sqlite')
    await t.app.listen({ port: PORT, host: '127.0.0.1' })
    writer = await userToken(t, 'publisher', { scope: 'write' })
    reader = await userToken(t, 'onlyreads', { scope: 'read' })
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  it('@huggingface/hub: createRepo, uploadFiles (inline, LFS, 100 MiB), deleteFile', async () => {
    const name = uniqueName('hf-js')
    const credentials = { accessToken: `hf_${writer}`, hubUrl: endpoint }
    const repo = { type: 'model' as const, name: `default/${name}` }
    await createRepo({ repo, ...credentials })
    const config = Buffer.from('{"architectures": ["Tiny"]}\n')
    const weights = bytesOf(2 * 1024 * 1024, 11)
    const big = bytesOf(100 * 1024 * 1024, 12)
    await uploadFiles({
      repo,
      ...credentials,
      files: [
        { path: 'config.json', content: new Blob([config]) },
        { path: 'model.safetensors', content: new Blob([weights]) },
        { path: 'big/model-00001.bin', content: new Blob([big]) },
      ],
    })
    expect(await files(name, '1.0.0')).toEqual({
      'config.json': sha256(config),
      'model.safetensors': sha256(weights),
      'big/model-00001.bin': sha256(big),
    })
    await deleteFile({ repo, path: 'config.json', ...credentials })
    expect(await versions(name)).toEqual(['1.0.0', '1.0.1'])
    expect(Object.keys(await files(name, '1.0.1')).sort()).toEqual(['big/model-00001.bin', 'model.safetensors'])
  }, 180_000)

  it('huggingface_hub: upload_folder, create_commit with a stale parent refused, a read token refused', async () => {
    const name = uniqueName('hf-py')
    fs.mkdirSync(path.join(dir, 'folder', 'onnx'), { recursive: true })
    const local: Record<string, Buffer> = {
      'config.json': Buffer.from('{"model_type": "tiny"}\n'),
      'onnx/model.onnx': bytesOf(300_000, 21),
      'tokenizer.json': Buffer.from('{"version": "1.0"}\n'),
    }
    for (const [p, b] of Object.entries(local)) fs.writeFileSync(path.join(dir, 'folder', p), b)
    const env = {
      HF_ENDPOINT: endpoint,
      HF_HOME: path.join(dir, 'home'),
      HF_HUB_DISABLE_TELEMETRY: '1',
      HF_HUB_DISABLE_XET: '1',
    }
    const repo = `default/${name}`
    const script = `
import json
from huggingface_hub import HfApi, CommitOperationAdd
from huggingface_hub.utils import HfHubHTTPError
api = HfApi(token=${JSON.stringify(writer)})
out = {}
out["url"] = str(api.create_repo(${JSON.stringify(repo)}, private=True))
info = api.upload_folder(repo_id=${JSON.stringify(repo)}, folder_path=${JSON.stringify(path.join(dir, 'folder'))}, commit_message="first upload")
out["commit"] = info.oid
out["head"] = api.model_info(${JSON.stringify(repo)}).sha
stale = "0" * 40
try:
    api.create_commit(${JSON.stringify(repo)}, operations=[CommitOperationAdd("x.txt", b"x")], commit_message="late", parent_commit=api.model_info(${JSON.stringify(repo)}, revision="1.0.0").sha)
    second = api.model_info(${JSON.stringify(repo)}).sha
    api.create_commit(${JSON.stringify(repo)}, operations=[CommitOperationAdd("y.txt", b"y")], commit_message="stale", parent_commit=out["head"])
    out["stale"] = "accepted"
except HfHubHTTPError as e:
    out["stale"] = e.response.status_code
try:
    HfApi(token=${JSON.stringify(reader)}).create_commit(${JSON.stringify(repo)}, operations=[CommitOperationAdd("z.txt", b"z")], commit_message="no")
    out["read"] = "accepted"
except HfHubHTTPError as e:
    out["read"] = e.response.status_code
print(json.dumps(out))
`
    const result = JSON.parse(await runPython(script, { clients: ['huggingface_hub-0.36.2'], env, timeoutMs: 120_000 }))
    expect(result.url).toBe(`${endpoint}/models/${repo}`)
    expect(result.commit).toBe(result.head)
    expect(result.stale).toBe(412)
    expect(result.read).toBe(403)
    expect(await files(name, '1.0.0')).toEqual(
      Object.fromEntries(Object.entries(local).map(([p, b]) => [p, sha256(b)])),
    )
    // The first create_commit (on a fresh parent) made 1.0.1; the stale one and the read token made nothing.
    expect(await versions(name)).toEqual(['1.0.0', '1.0.1'])
    expect(Object.keys(await files(name, '1.0.1')).sort()).toEqual([...Object.keys(local), 'x.txt'].sort())
  }, 180_000)
})
