// transformers.js (@huggingface/transformers from npm) loading a tokenizer and a config from a running registry:
// env.remoteHost at /hf, no local models, a token sent by the fetch wrapper docs/huggingface.md shows. Every file it
// fetched is compared with what was uploaded through the native API.
import { createHash } from 'node:crypto'
import { AutoConfig, AutoTokenizer, env } from '@huggingface/transformers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uniqueName } from '../helpers/factories.js'
import { openTestApp } from '../helpers/registry.js'
import { createModel, type TestApp } from '../routes/route-kit.js'
import { putFile, userToken } from './hf-kit.js'

const PORT = 4833
const md5 = (b: Buffer | ArrayBuffer) =>
  createHash('md5')
    .update(Buffer.from(b as ArrayBuffer))
    .digest('hex')

/** A word-level tokenizer: "hello world" is [1, 2]. */
const tokenizerJson = JSON.stringify({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [
    { id: 0, content: '[UNK]', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true },
  ],
  normalizer: { type: 'Lowercase' },
  pre_tokenizer: { type: 'Whitespace' },
  post_processor: null,
  decoder: null,
  model: { type: 'WordLevel', vocab: { '[UNK]': 0, hello: 1, world: 2 }, unk_token: '[UNK]' },
})
const files: Record<string, Buffer> = {
  'config.json': Buffer.from(JSON.stringify({ model_type: 'bert', hidden_size: 8, num_attention_heads: 2 })),
  'tokenizer.json': Buffer.from(tokenizerJson),
  'tokenizer_config.json': Buffer.from(JSON.stringify({ unk_token: '[UNK]', model_max_length: 16 })),
}

describe('transformers.js loading from a running registry', () => {
  let t: TestApp
  let token: string
  let open: string
  let secret: string
  /** md5 of every body transformers.js received, by path under /hf. */
  const fetched = new Map<string, string>()
  const sent = { token: undefined as string | undefined }

  beforeAll(async () => {
    t = await openTestApp('sqlite')
    await t.app.listen({ port: PORT, host: '127.0.0.1' })
    token = await userToken(t, 'tjs-reader', { scope: 'read' })
    open = (await createModel(t, { name: uniqueName('tjs'), modelType: 'bert' })).name
    secret = (await createModel(t, { name: uniqueName('tjs-secret'), publicAccess: false })).name
    for (const name of [open, secret]) {
      for (const [p, bytes] of Object.entries(files)) await putFile(t, name, '1.0.0', p, bytes)
    }
    env.remoteHost = `http://127.0.0.1:${PORT}/hf/`
    env.allowLocalModels = false
    env.allowRemoteModels = true
    env.useFSCache = false
    env.useBrowserCache = false
    // transformers.js sends tokens only to huggingface.co: the wrapper of docs/huggingface.md adds it.
    env.fetch = async (url: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers)
      if (sent.token) headers.set('authorization', `Bearer ${sent.token}`)
      const res = await fetch(url, { ...init, headers })
      const pathname = new URL(String(url)).pathname
      if (res.status === 200) fetched.set(pathname, md5(await res.clone().arrayBuffer()))
      return res
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  const expectSameBytes = (repo: string, revision: string, paths: string[]) => {
    for (const p of paths) {
      expect(fetched.get(`/hf/${repo}/resolve/${revision}/${p}`), p).toBe(md5(files[p] as Buffer))
    }
  }

  it('loads AutoConfig and AutoTokenizer at main and at a version with a member token; none without a token', async () => {
    const repo = `default/${open}`
    sent.token = undefined
    await expect(AutoConfig.from_pretrained(repo, { revision: '1.0.0' })).rejects.toThrow(/Unauthorized/)
    sent.token = token
    const config = (await AutoConfig.from_pretrained(repo)) as unknown as Record<string, unknown>
    expect(config).toMatchObject({ model_type: 'bert', hidden_size: 8 })
    const tokenizer = await AutoTokenizer.from_pretrained(repo, { revision: '1.0.0' })
    expect(tokenizer.encode('Hello world', { add_special_tokens: false })).toEqual([1, 2])
    expect(tokenizer.encode('hello nobody', { add_special_tokens: false })).toEqual([1, 0])
    expectSameBytes(repo, '1.0.0', ['tokenizer.json', 'tokenizer_config.json'])
    expectSameBytes(repo, 'main', ['config.json'])
  })

  it('loads a private model with a token that may see it, and not with one that may not', async () => {
    const repo = `default/${secret}`
    sent.token = token
    await expect(AutoConfig.from_pretrained(repo, { revision: '1.0.0' })).rejects.toThrow(/Could not locate/)
    sent.token = t.token
    const config = (await AutoConfig.from_pretrained(repo, { revision: '1.0.0' })) as unknown as Record<string, unknown>
    expect(config).toMatchObject({ model_type: 'bert' })
    const tokenizer = await AutoTokenizer.from_pretrained(repo, { revision: '1.0.0' })
    expect(tokenizer.encode('world hello', { add_special_tokens: false })).toEqual([2, 1])
    expectSameBytes(repo, '1.0.0', Object.keys(files))
  })
})
