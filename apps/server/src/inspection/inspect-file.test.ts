import { describe, expect, it } from 'vitest'
import {
  benignTorchPickle,
  concat,
  denseLayer,
  evilGlobalReduce,
  gguf,
  kerasFile,
  lambdaLayer,
  npy,
  onnx,
  op,
  pickle,
  safetensors,
  torchZip,
  zip,
} from '../../test/helpers/model-files.js'
import { inspectFile } from './inspect-file.js'
import { fileVerdict, worstVerdict } from './result.js'
import { type ByteSource, bufferSource, defaultLimits } from './source.js'

const enc = new TextEncoder()

async function inspect(bytes: Uint8Array, name: string, limits = defaultLimits) {
  const result = await inspectFile(bufferSource(bytes), name, limits)
  return { ...result, verdict: fileVerdict(result), codes: result.findings.map((f) => f.code) }
}

/** A huge file that is all zeros past its header, without allocating it: reads past the header are counted. */
function sparse(head: Uint8Array, size: number): ByteSource & { reads: number } {
  const src = {
    size,
    reads: 0,
    read: async (offset: number, length: number) => {
      src.reads += length
      const out = new Uint8Array(Math.min(length, size - offset))
      if (offset < head.length) out.set(head.subarray(offset, offset + out.length))
      return out
    },
  }
  return src
}

describe('safetensors', () => {
  it('lists tensors, dtypes, parameters and metadata', async () => {
    const file = safetensors(
      { 'a.weight': { dtype: 'F32', shape: [4, 3] }, 'a.bias': { dtype: 'F16', shape: [3] } },
      { format: 'pt' },
    )
    const r = await inspect(file, 'model.safetensors')
    expect(r.format).toBe('safetensors')
    expect(r.verdict).toBe('safe')
    expect(r.summary).toMatchObject({ parameters: 15, dtypes: ['F16', 'F32'], tensors: 2, metadata: { format: 'pt' } })
  })

  it('reads only the header of a 10 GB file', async () => {
    const header = safetensors({ w: { dtype: 'F32', shape: [1] } }).subarray(0, 64)
    const json = `{"w":{"dtype":"BF16","shape":[50000,50000],"data_offsets":[0,5000000000]}}`
    const padded = json.padEnd(Math.ceil(json.length / 8) * 8, ' ')
    const head = concat(new Uint8Array(new BigUint64Array([BigInt(padded.length)]).buffer), enc.encode(padded))
    void header
    const src = sparse(head, 8 + padded.length + 5_000_000_000)
    const r = await inspectFile(src, 'big.safetensors')
    expect(fileVerdict(r)).toBe('safe')
    expect(r.summary.parameters).toBe(2_500_000_000)
    expect(src.reads).toBeLessThan(4096)
  })

  it('refuses a header longer than the file, bad JSON and mismatched sizes as unscannable', async () => {
    const good = safetensors({ w: { dtype: 'F32', shape: [2] } })
    const lying = good.slice()
    new DataView(lying.buffer).setBigUint64(0, 1n << 40n, true)
    expect((await inspect(lying, 'x.safetensors')).verdict).toBe('unscannable')
    const badJson = concat(new Uint8Array(new BigUint64Array([4n]).buffer), enc.encode('{xx}'))
    expect((await inspect(badJson, 'x.safetensors')).verdict).toBe('unscannable')
    const wrongSize = concat(
      new Uint8Array(new BigUint64Array([64n]).buffer),
      enc.encode(JSON.stringify({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }).padEnd(64, ' ')),
      new Uint8Array(8),
    )
    expect((await inspect(wrongSize, 'x.safetensors')).codes).toContain('malformed')
  })

  it('reads a sharded index', async () => {
    const index = {
      metadata: { total_size: 100 },
      weight_map: { a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' },
    }
    const r = await inspect(enc.encode(JSON.stringify(index)), 'model.safetensors.index.json')
    expect(r.format).toBe('safetensors-index')
    expect(r.summary).toMatchObject({
      tensors: 2,
      shards: ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'],
    })
    const evil = { weight_map: { a: '../../etc/passwd' } }
    expect((await inspect(enc.encode(JSON.stringify(evil)), 'model.safetensors.index.json')).verdict).toBe('suspicious')
  })
})

describe('GGUF', () => {
  const file = gguf(
    {
      'general.architecture': 'llama',
      'general.name': 'tiny',
      'llama.context_length': 4096,
      'general.file_type': { u32: 15 },
    },
    [
      { name: 'tok_embd.weight', shape: [64, 100], type: 12 },
      { name: 'output_norm.weight', shape: [64], type: 0 },
    ],
  )
  it('reads architecture, context length, quantisation and parameters', async () => {
    const r = await inspect(file, 'tiny.gguf')
    expect(r.format).toBe('gguf')
    expect(r.verdict).toBe('safe')
    expect(r.summary).toMatchObject({
      architecture: 'llama',
      contextLength: 4096,
      quantization: 'Q4_K_M',
      parameters: 6464,
      tensors: 2,
      dtypes: ['F32', 'Q4_K'],
    })
  })
  it('flags a chat template that reaches Python internals', async () => {
    const evil = gguf(
      { 'general.architecture': 'llama', 'tokenizer.chat_template': "{{ ''.__class__.__mro__[1].__subclasses__() }}" },
      [],
    )
    const r = await inspect(evil, 'x.gguf')
    expect(r.verdict).toBe('suspicious')
    expect(r.codes).toContain('chat-template')
  })
  it('refuses forged counts', async () => {
    const forged = file.slice()
    new DataView(forged.buffer).setBigUint64(8, 0xffffffffffffffffn, true)
    expect((await inspect(forged, 'x.gguf')).verdict).toBe('unscannable')
  })
})

describe('ONNX', () => {
  const model = onnx({
    inputs: [
      { name: 'input', elemType: 1, dims: ['batch', 3, 224, 224] },
      { name: 'fc.weight', elemType: 1, dims: [10, 4] },
    ],
    outputs: [{ name: 'logits', elemType: 1, dims: ['batch', 10] }],
    nodes: [{ op: 'Conv' }, { op: 'Relu' }, { op: 'Relu' }, { op: 'Gemm' }],
    initializers: [{ name: 'fc.weight', dims: [10, 4], dataType: 1, rawBytes: 160 }],
  })
  it('reads opset, producer, inputs, outputs, operators and initializer parameters', async () => {
    const r = await inspect(model, 'model.onnx')
    expect(r.format).toBe('onnx')
    expect(r.verdict).toBe('safe')
    expect(r.summary).toMatchObject({
      irVersion: 8,
      producer: 'pytorch 2.1',
      opsets: { 'ai.onnx': 17 },
      parameters: 40,
      dtypes: ['float32'],
      inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3, 224, 224] }],
      outputs: [{ name: 'logits', dtype: 'float32', shape: ['batch', 10] }],
      operators: { Relu: 2, Conv: 1, Gemm: 1 },
    })
  })
  it('skips inline weights without reading them', async () => {
    const big = onnx({
      inputs: [{ name: 'x', elemType: 1, dims: [1] }],
      outputs: [{ name: 'y', elemType: 1, dims: [1] }],
      nodes: [{ op: 'Add' }],
      initializers: [{ name: 'w', dims: [1_000_000], dataType: 1, rawBytes: 4_000_000 }],
    })
    const r = await inspect(big, 'big.onnx')
    expect(r.summary.parameters).toBe(1_000_000)
    expect(r.summary.bytesRead as number).toBeLessThan(200_000)
  })
  it('flags external data outside the model and custom op domains', async () => {
    const evil = onnx({
      inputs: [],
      outputs: [],
      nodes: [{ op: 'Evil', domain: 'com.attacker' }],
      initializers: [{ name: 'w', dims: [4], dataType: 1, location: '../../../etc/passwd' }],
    })
    const r = await inspect(evil, 'evil.onnx')
    expect(r.verdict).toBe('dangerous')
    expect(r.codes).toEqual(expect.arrayContaining(['external-data-path', 'custom-op-domain']))
  })
})

describe('pickle scanning', () => {
  it('passes a benign torch pickle as safe, listing its imports', async () => {
    const r = await inspect(benignTorchPickle(), 'model.pkl')
    expect(r.verdict).toBe('safe')
    expect(r.summary.imports).toEqual([
      'collections.OrderedDict',
      'torch._utils._rebuild_tensor_v2',
      'torch.FloatStorage',
    ])
  })

  it('finds os.system through GLOBAL + REDUCE', async () => {
    const r = await inspect(evilGlobalReduce(), 'model.pkl')
    expect(r.verdict).toBe('dangerous')
    expect(r.findings).toContainEqual(
      expect.objectContaining({ code: 'dangerous-global', detail: 'imports os.system' }),
    )
  })

  it('finds posix.system and builtins.exec (protocol 0, __builtin__)', async () => {
    expect((await inspect(evilGlobalReduce('posix', 'system'), 'a.pkl')).verdict).toBe('dangerous')
    const p0 = pickle(op.global('__builtin__', 'exec'), op.mark, op.unicode0('import os'), op.tuple, op.reduce, op.stop)
    const r = await inspect(p0, 'a.pkl')
    expect(r.verdict).toBe('dangerous')
    expect(r.findings[0]?.detail).toBe('imports builtins.exec')
  })

  it('finds STACK_GLOBAL, through the memo too', async () => {
    const direct = pickle(
      op.proto(4),
      op.str('subprocess'),
      op.str('Popen'),
      op.stackGlobal,
      op.str('id'),
      op.tuple1,
      op.reduce,
      op.stop,
    )
    expect((await inspect(direct, 'a.pkl')).findings[0]?.detail).toBe('imports subprocess.Popen')
    const viaMemo = pickle(
      op.proto(4),
      op.str('os'),
      op.memoize,
      op.str('system'),
      op.memoize,
      op.pop,
      op.pop,
      op.binget(0),
      op.binget(1),
      op.stackGlobal,
      op.str('id'),
      op.tuple1,
      op.reduce,
      op.stop,
    )
    expect((await inspect(viaMemo, 'a.pkl')).findings[0]?.detail).toBe('imports os.system')
  })

  it('reads STACK_GLOBAL operands of every string opcode: short, long, non-ASCII, 8-byte and byte-string lengths', async () => {
    const u32 = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24]
    const long = 'x'.repeat(40)
    const p = pickle(
      op.proto(4),
      concat([0x58], u32(10), enc.encode('subprocess')), // BINUNICODE
      concat([0x8d], u32(5), u32(0), enc.encode('Popen')), // BINUNICODE8
      op.stackGlobal,
      op.pop,
      op.str(`café.${long}`), // non-ASCII, decoded as UTF-8
      op.str(long), // longer than the in-place fast path
      op.stackGlobal,
      op.pop,
      concat([0x54], u32(2), enc.encode('os')), // BINSTRING
      concat([0x55, 6], enc.encode('system')), // SHORT_BINSTRING
      op.stackGlobal,
      op.stop,
    )
    const r = await inspect(p, 'a.pkl')
    expect(r.summary.imports).toEqual(['subprocess.Popen', `café.${long}.${long}`, 'os.system'])
    // A BINUNICODE8 length past the file is truncation, not a huge allocation.
    const huge = pickle(op.proto(4), concat([0x8d], u32(0xffffffff), u32(0xffffffff)))
    expect((await inspect(huge, 'a.pkl')).verdict).toBe('unscannable')
  })

  it('treats STACK_GLOBAL of computed operands as dangerous', async () => {
    const p = pickle(op.proto(4), op.none, op.none, op.stackGlobal, op.pop, op.none, op.stop)
    const r = await inspect(p, 'a.pkl')
    expect(r.verdict).toBe('dangerous')
    expect(r.codes).toContain('unresolved-global')
  })

  it('finds INST and OBJ', async () => {
    const inst = pickle(op.mark, op.string0('id'), op.inst('os', 'system'), op.stop)
    expect((await inspect(inst, 'a.pkl')).verdict).toBe('dangerous')
    const obj = pickle(op.proto(2), op.mark, op.global('subprocess', 'check_output'), op.str('id'), op.obj, op.stop)
    expect((await inspect(obj, 'a.pkl')).findings[0]?.detail).toBe('imports subprocess.check_output')
  })

  it('finds a nested pickle passed as bytes', async () => {
    const inner = evilGlobalReduce()
    const outer = pickle(op.proto(2), op.global('pickle', 'loads'), op.bytes(inner), op.tuple1, op.reduce, op.stop)
    const r = await inspect(outer, 'a.pkl')
    expect(r.verdict).toBe('dangerous')
    expect(r.findings.map((f) => f.detail)).toEqual(
      expect.arrayContaining(['imports pickle.loads', 'imports os.system (in nested pickle)']),
    )
    // Nested inside an innocuous-looking call, the inner import is still found.
    const hidden = pickle(
      op.proto(2),
      op.global('torch.storage', '_load_from_bytes'),
      op.bytes(inner),
      op.tuple1,
      op.reduce,
      op.stop,
    )
    expect((await inspect(hidden, 'a.pkl')).codes).toEqual(['unknown-global', 'dangerous-global'])
  })

  it('follows getattr chains', async () => {
    // getattr(__import__("os"), "system")("id")
    const chain = pickle(
      op.proto(2),
      op.global('builtins', 'getattr'),
      op.global('builtins', '__import__'),
      op.str('os'),
      op.tuple1,
      op.reduce,
      op.str('system'),
      op.tuple2,
      op.reduce,
      op.str('id'),
      op.tuple1,
      op.reduce,
      op.stop,
    )
    const r = await inspect(chain, 'a.pkl')
    expect(r.verdict).toBe('dangerous')
    expect(r.codes).toEqual(expect.arrayContaining(['dangerous-global', 'call-of-call-result']))
    expect(r.findings.find((f) => f.code === 'call-of-call-result')?.detail).toContain('"system"')
    // A dotted STACK_GLOBAL name is an attribute chain too.
    const dotted = pickle(
      op.proto(4),
      op.str('builtins'),
      op.str('getattr.__call__'),
      op.stackGlobal,
      op.pop,
      op.none,
      op.stop,
    )
    expect((await inspect(dotted, 'a.pkl')).verdict).toBe('dangerous')
  })

  it('calls an unknown global suspicious', async () => {
    const r = await inspect(evilGlobalReduce('sklearn.linear_model', 'LogisticRegression'), 'm.joblib')
    expect(r.verdict).toBe('suspicious')
  })

  it('scans every concatenated pickle and stops at trailing data', async () => {
    const two = concat(benignTorchPickle(), evilGlobalReduce(), enc.encode('raw storage bytes'))
    const r = await inspect(two, 'legacy.bin')
    expect(r.format).toBe('pytorch')
    expect(r.verdict).toBe('dangerous')
    expect(r.codes).toContain('trailing-data')
  })

  it('keeps what it found before a truncation, and is unscannable otherwise', async () => {
    const evil = evilGlobalReduce()
    const cut = evil.subarray(0, evil.length - 3)
    const r = await inspect(cut, 'a.pkl')
    expect(r.verdict).toBe('dangerous')
    expect(r.codes).toContain('truncated')
    const benign = benignTorchPickle()
    for (let n = 1; n < benign.length; n++) {
      const t = await inspect(benign.subarray(0, n), 'a.pkl')
      expect(t.verdict === 'unscannable' || t.verdict === 'suspicious', `cut at ${n}`).toBe(true)
    }
  })

  it('calls garbage with a pickle extension unscannable, never a crash', async () => {
    for (let seed = 1; seed < 50; seed++) {
      const junk = Uint8Array.from({ length: 200 }, (_, i) => (seed * 7919 + i * 104729) % 256)
      const r = await inspect(concat([0x80, 2], junk), 'junk.pkl')
      expect(['unscannable', 'dangerous', 'suspicious']).toContain(r.verdict)
    }
  })

  it('inflates a zlib joblib dump and refuses bz2 ones', async () => {
    const { deflateSync } = await import('node:zlib')
    const r = await inspect(new Uint8Array(deflateSync(evilGlobalReduce())), 'model.joblib')
    expect(r.verdict).toBe('dangerous')
    const bz = concat(enc.encode('BZh9'), new Uint8Array(20))
    expect((await inspect(bz, 'model.joblib')).codes).toContain('unsupported-compression')
  })
})

describe('PyTorch zip', () => {
  it('passes a benign torch zip', async () => {
    const r = await inspect(torchZip(), 'pytorch_model.bin')
    expect(r.format).toBe('pytorch')
    expect(r.verdict).toBe('safe')
    expect(r.summary.imports).toContain('torch._utils._rebuild_tensor_v2')
  })
  it('finds a malicious data.pkl, deflated or stored, and any pickle member by its magic', async () => {
    expect((await inspect(torchZip(evilGlobalReduce()), 'model.pt')).verdict).toBe('dangerous')
    const deflated = zip([{ name: 'archive/data.pkl', data: evilGlobalReduce(), deflate: true }])
    expect((await inspect(deflated, 'model.pth')).verdict).toBe('dangerous')
    const hidden = zip([
      { name: 'archive/data.pkl', data: benignTorchPickle() },
      { name: 'archive/extra.txt', data: evilGlobalReduce() },
    ])
    expect((await inspect(hidden, 'model.pt')).verdict).toBe('dangerous')
  })
  it('flags native libraries and follows nested zips', async () => {
    const pt2 = zip([{ name: 'model/data/aotinductor/model/x.so', data: new Uint8Array(8) }])
    expect((await inspect(pt2, 'model.pt2')).codes).toContain('native-code')
    const nested = zip([{ name: 'inner.pt', data: torchZip(evilGlobalReduce()) }])
    expect((await inspect(nested, 'outer.zip')).verdict).toBe('dangerous')
  })
  it('calls a zip bomb unscannable', async () => {
    const bomb = zip([{ name: 'archive/data.pkl', data: new Uint8Array(5 * 1024 * 1024), deflate: true }])
    const r = await inspect(bomb, 'model.pt')
    expect(r.verdict).toBe('unscannable')
    expect(r.codes).toContain('zip-bomb')
    // A member that inflates to more than its directory entry says is refused while inflating.
    const liar = zip([{ name: 'data.pkl', data: new Uint8Array(100_000), deflate: true, declaredSize: 100 }])
    expect((await inspect(liar, 'model.pt')).codes).toContain('zip-bomb')
  })
  it('calls encrypted members and truncated archives unscannable', async () => {
    const enc1 = zip([{ name: 'archive/data.pkl', data: benignTorchPickle(), flags: 1 }])
    expect((await inspect(enc1, 'model.pt')).codes).toContain('encrypted')
    const whole = torchZip()
    for (const n of [4, 30, whole.length - 30, whole.length - 1]) {
      expect((await inspect(whole.subarray(0, n), 'model.pt')).verdict).toBe('unscannable')
    }
  })
})

describe('NumPy', () => {
  it('reads dtype and shape of a .npy, and scans an object array', async () => {
    const r = await inspect(npy('<f4', [2, 3], new Uint8Array(24)), 'a.npy')
    expect(r).toMatchObject({
      format: 'numpy',
      verdict: 'safe',
      summary: { dtypes: ['<f4'], shape: [2, 3], parameters: 6 },
    })
    const obj = await inspect(npy('|O', [1], evilGlobalReduce()), 'a.npy')
    expect(obj.verdict).toBe('dangerous')
  })
  it('scans the arrays of an .npz', async () => {
    const npz = zip([
      { name: 'a.npy', data: npy('<f4', [4], new Uint8Array(16)) },
      { name: 'b.npy', data: npy('|O', [1], evilGlobalReduce()), deflate: true },
    ])
    const r = await inspect(npz, 'arrays.npz')
    expect(r.format).toBe('numpy')
    expect(r.verdict).toBe('dangerous')
  })
  it('calls a truncated .npy unscannable', async () => {
    const f = npy('<f4', [2], new Uint8Array(8))
    expect((await inspect(f.subarray(0, 20), 'a.npy')).verdict).toBe('unscannable')
  })
})

describe('Keras', () => {
  it('passes plain layers and flags a Lambda layer with bytecode', async () => {
    const plain = await inspect(kerasFile([denseLayer('d1')]), 'model.keras')
    expect(plain).toMatchObject({
      format: 'keras',
      verdict: 'safe',
      summary: { kerasVersion: '3.4.1', layers: { Dense: 1 } },
    })
    const evil = await inspect(kerasFile([denseLayer('d1'), lambdaLayer('boom')]), 'model.keras')
    expect(evil.verdict).toBe('dangerous')
    expect(evil.codes).toEqual(expect.arrayContaining(['lambda-bytecode', 'lambda-layer']))
  })
  it('flags functions from foreign modules and custom objects', async () => {
    const foreign = { module: 'os', class_name: 'function', config: 'system', registered_name: 'system' }
    const r = await inspect(
      kerasFile([{ module: 'keras.layers', class_name: 'Lambda', config: { name: 'l', function: foreign } }]),
      'm.keras',
    )
    expect(r.verdict).toBe('dangerous')
    const custom = await inspect(
      kerasFile([
        { module: 'mypkg.layers', class_name: 'Fancy', config: { name: 'f' }, registered_name: 'mypkg>Fancy' },
      ]),
      'm.keras',
    )
    expect(custom.verdict).toBe('suspicious')
  })
  it('calls a .keras without config unscannable', async () => {
    expect((await inspect(zip([{ name: 'x', data: new Uint8Array(3) }]), 'm.keras')).verdict).toBe('unscannable')
    expect((await inspect(enc.encode('not a zip'), 'm.keras')).verdict).toBe('unscannable')
  })
})

describe('config.json and other files', () => {
  it('reads architectures, model_type and torch_dtype; auto_map is suspicious', async () => {
    const cfg = { architectures: ['BertModel'], model_type: 'bert', torch_dtype: 'float32' }
    const r = await inspect(enc.encode(JSON.stringify(cfg)), 'config.json')
    expect(r).toMatchObject({
      format: 'hf-config',
      verdict: 'safe',
      summary: { architecture: 'BertModel', modelType: 'bert', dtypes: ['float32'] },
    })
    const remote = await inspect(enc.encode(JSON.stringify({ ...cfg, auto_map: { AutoModel: 'x.Y' } })), 'config.json')
    expect(remote.verdict).toBe('suspicious')
    expect((await inspect(enc.encode('{'), 'config.json')).verdict).toBe('unscannable')
  })
  it('leaves other files not inspected', async () => {
    const r = await inspect(enc.encode('hello'), 'README.md')
    expect(r).toMatchObject({ format: 'unknown', verdict: 'none', findings: [] })
    expect((await inspect(new Uint8Array(0), 'empty.txt')).verdict).toBe('none')
  })
  it('gives every format truncated to every length a result, never a throw', async () => {
    const files: [string, Uint8Array][] = [
      ['m.safetensors', safetensors({ w: { dtype: 'F32', shape: [2] } })],
      ['m.gguf', gguf({ 'general.architecture': 'llama' }, [{ name: 't', shape: [2], type: 0 }])],
      [
        'm.onnx',
        onnx({
          inputs: [{ name: 'x', elemType: 1, dims: [1] }],
          outputs: [],
          nodes: [{ op: 'Relu' }],
          initializers: [],
        }),
      ],
      ['m.npy', npy('<f4', [2], new Uint8Array(8))],
      ['m.keras', kerasFile([denseLayer('d')])],
    ]
    for (const [name, bytes] of files) {
      for (let n = 0; n < bytes.length; n += Math.max(1, Math.floor(bytes.length / 60))) {
        const r = await inspect(bytes.subarray(0, n), name)
        expect(['unscannable', 'safe'], `${name} cut at ${n}: ${JSON.stringify(r.findings)}`).toContain(r.verdict)
      }
    }
  })
  it('stops at the byte budget', async () => {
    const r = await inspect(benignTorchPickle(), 'a.pkl', { ...defaultLimits, maxBytesRead: 10 })
    expect(r.codes).toContain('limit-exceeded')
  })
  it('rolls verdicts up worst first', () => {
    expect(worstVerdict(['safe', 'unscannable', 'none'])).toBe('unscannable')
    expect(worstVerdict(['suspicious', 'unscannable'])).toBe('suspicious')
    expect(worstVerdict(['dangerous', 'suspicious'])).toBe('dangerous')
    expect(worstVerdict([])).toBe('none')
  })
})
