// The real Hugging Face clients read from a registry listening on a port: @huggingface/hub (npm) and
// huggingface_hub 0.36.2 (Python). Every downloaded file is compared with what was uploaded through the native API.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { downloadFile, fileExists, listFiles, modelInfo, whoAmI } from '@huggingface/hub'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { runPython } from '../helpers/python-clients.js'
import { openTestApp } from '../helpers/registry.js'
import { createModel, createVersion, type TestApp } from '../routes/route-kit.js'
import { bytesOf, putFile, userToken } from './hf-kit.js'

const PORT = 4831
const endpoint = `http://127.0.0.1:${PORT}/hf`
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex')

describe('Hugging Face clients reading from a running registry', () => {
  let t: TestApp
  let token: string
  let outsider: string
  let name: string
  let secret: string
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from('{"model_type": "bert", "hidden_size": 8}\n'),
    'model.safetensors': bytesOf(3 * 1024 * 1024 + 17, 3),
    'tokenizer/vocab.txt': Buffer.from('[PAD]\n[UNK]\nhello\n'),
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-hf-home-'))

  beforeAll(async () => {
    t = await openTestApp('sqlite', { app: { hf: { treePageSize: 2 } } })
    await t.app.listen({ port: PORT, host: '127.0.0.1' })
    token = await userToken(t, 'reader', { scope: 'read' })
    outsider = await userToken(t, 'outsider', { scope: 'read' })
    name = (await createModel(t, { name: uniqueName('hf-clients'), modelType: 'bert' })).name
    for (const [p, bytes] of Object.entries(files)) await putFile(t, name, '1.0.0', p, bytes)
    await createVersion(t, name, '1.1.0')
    await putFile(t, name, '1.1.0', 'config.json', '{"newer": true}\n')
    secret = (await createModel(t, { name: uniqueName('hf-secret'), publicAccess: false })).name
    await putFile(t, secret, '1.0.0', 'config.json', '{}')
  })
  afterAll(async () => {
    await t?.close()
    fs.rmSync(home, { recursive: true, force: true })
  })

  it('@huggingface/hub: whoAmI, modelInfo, listFiles (recursive, paged), downloadFile, fileExists', async () => {
    const credentials = { accessToken: `hf_${token}`, hubUrl: endpoint }
    const me = await whoAmI(credentials)
    expect(me.name).toBe('reader')
    const repo = `default/${name}`
    const info = await modelInfo({ name: repo, revision: '1.0.0', additionalFields: ['sha'], ...credentials })
    expect(info.name).toBe(repo)
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/)
    const listed: string[] = []
    for await (const entry of listFiles({ repo, revision: '1.0.0', recursive: true, ...credentials })) {
      if (entry.type === 'file') listed.push(entry.path)
    }
    expect(listed.sort()).toEqual(Object.keys(files).sort())
    for (const [p, bytes] of Object.entries(files)) {
      const blob = await downloadFile({ repo, path: p, revision: '1.0.0', ...credentials })
      expect(blob, p).not.toBeNull()
      expect(md5(Buffer.from(await (blob as Blob).arrayBuffer())), p).toBe(md5(bytes))
    }
    expect(await fileExists({ repo, path: 'config.json', ...credentials })).toBe(true)
    expect(await fileExists({ repo, path: 'nope.json', ...credentials })).toBe(false)
    expect(await downloadFile({ repo, path: 'nope.json', ...credentials })).toBeNull()
  })

  it('huggingface_hub: snapshot_download, hf_hub_download (then offline), model_info, list_repo_files, private repos', async () => {
    const env = {
      HF_ENDPOINT: endpoint,
      HF_TOKEN: token,
      HF_HOME: home,
      HF_HUB_DISABLE_TELEMETRY: '1',
      HF_HUB_DISABLE_XET: '1',
    }
    const repo = `default/${name}`
    const script = `
import hashlib, json, os, sys
from huggingface_hub import HfApi, snapshot_download, hf_hub_download
from huggingface_hub.utils import RepositoryNotFoundError
api = HfApi()
out = {}
snap = snapshot_download(${JSON.stringify(repo)}, revision="1.0.0")
out["snapshot"] = {}
for root, _, names in os.walk(snap):
    for n in names:
        p = os.path.join(root, n)
        out["snapshot"][os.path.relpath(p, snap)] = hashlib.md5(open(p, "rb").read()).hexdigest()
out["snapshot_dir"] = os.path.basename(snap)
info = api.model_info(${JSON.stringify(repo)})
out["main_sha"] = info.sha
out["v1_sha"] = api.model_info(${JSON.stringify(repo)}, revision="1.0.0").sha
out["files"] = sorted(api.list_repo_files(${JSON.stringify(repo)}, revision="1.0.0"))
p = hf_hub_download(${JSON.stringify(repo)}, "config.json")
out["main_config"] = open(p).read()
try:
    api.model_info(${JSON.stringify(`default/${secret}`)}, token=${JSON.stringify(outsider)})
    out["private"] = "visible"
except RepositoryNotFoundError as e:
    out["private"] = "RepositoryNotFoundError"
print(json.dumps(out))
`
    const result = JSON.parse(await runPython(script, { clients: ['huggingface_hub-0.36.2'], env, timeoutMs: 120_000 }))
    expect(result.snapshot).toEqual(Object.fromEntries(Object.entries(files).map(([p, b]) => [p, md5(b)])))
    expect(result.snapshot_dir).toBe(result.v1_sha)
    expect(result.main_sha).not.toBe(result.v1_sha)
    expect(result.files).toEqual(Object.keys(files).sort())
    expect(result.main_config).toBe('{"newer": true}\n')
    expect(result.private).toBe('RepositoryNotFoundError')

    // Offline, the file comes from the cache the first run filled.
    const offline = `
from huggingface_hub import hf_hub_download
print(open(hf_hub_download(${JSON.stringify(repo)}, "model.safetensors", revision="1.0.0"), "rb").read()[:32].hex())
`
    const stdout = await runPython(offline, {
      clients: ['huggingface_hub-0.36.2'],
      env: { ...env, HF_HUB_OFFLINE: '1' },
    })
    expect(stdout.trim()).toBe((files['model.safetensors'] as Buffer).subarray(0, 32).toString('hex'))
  })
})
