// Model files built byte by byte for the inspection tests: safetensors, GGUF, ONNX (protobuf encoded here from the
// field numbers of onnx.proto), pickles written opcode by opcode, zips (stored and deflated), .npy and .keras.
// No downloaded model file is used anywhere.
import { deflateRawSync } from 'node:zlib'

const enc = new TextEncoder()

export function concat(...parts: (Uint8Array | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (p instanceof Uint8Array ? p : Uint8Array.from(p)))
  const out = new Uint8Array(arrays.reduce((a, b) => a + b.length, 0))
  let at = 0
  for (const a of arrays) {
    out.set(a, at)
    at += a.length
  }
  return out
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4)
  new DataView(b.buffer).setUint32(0, n, true)
  return b
}
function u64(n: number | bigint): Uint8Array {
  const b = new Uint8Array(8)
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true)
  return b
}
function u16(n: number): Uint8Array {
  const b = new Uint8Array(2)
  new DataView(b.buffer).setUint16(0, n, true)
  return b
}

// ---- safetensors

export interface TensorSpec {
  dtype: string
  shape: number[]
}
const bytesPer: Record<string, number> = { F32: 4, F16: 2, BF16: 2, I64: 8, U8: 1, I8: 1, F64: 8 }

export function safetensors(tensors: Record<string, TensorSpec>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {}
  if (metadata) header.__metadata__ = metadata
  let at = 0
  for (const [name, t] of Object.entries(tensors)) {
    const len = t.shape.reduce((a, b) => a * b, 1) * (bytesPer[t.dtype] ?? 4)
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + len] }
    at += len
  }
  let json = JSON.stringify(header)
  while ((8 + json.length) % 8 !== 0) json += ' '
  return concat(u64(json.length), enc.encode(json), new Uint8Array(at))
}

// ---- GGUF (version 3)

function ggufString(s: string): Uint8Array {
  const b = enc.encode(s)
  return concat(u64(b.length), b)
}
type GgufValue = string | number | { u32: number } | { strings: string[] }
export function gguf(
  meta: Record<string, GgufValue>,
  tensors: { name: string; shape: number[]; type: number }[],
): Uint8Array {
  const kv: Uint8Array[] = []
  for (const [k, v] of Object.entries(meta)) {
    kv.push(ggufString(k))
    if (typeof v === 'string') kv.push(u32(8), ggufString(v))
    else if (typeof v === 'number') kv.push(u32(10), u64(v))
    else if ('u32' in v) kv.push(u32(4), u32(v.u32))
    else kv.push(u32(9), u32(8), u64(v.strings.length), ...v.strings.map(ggufString))
  }
  const infos = tensors.flatMap((t) => [
    ggufString(t.name),
    u32(t.shape.length),
    ...t.shape.map((d) => u64(d)),
    u32(t.type),
    u64(0),
  ])
  return concat(
    enc.encode('GGUF'),
    u32(3),
    u64(tensors.length),
    u64(Object.keys(meta).length),
    ...kv,
    ...infos,
    new Uint8Array(64 + tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0)),
  )
}

// ---- protobuf / ONNX

function varint(n: number): number[] {
  const out: number[] = []
  let v = n
  while (v >= 128) {
    out.push((v % 128) | 128)
    v = Math.floor(v / 128)
  }
  out.push(v)
  return out
}
export function pbVarint(field: number, value: number): Uint8Array {
  return Uint8Array.from([...varint(field * 8), ...varint(value)])
}
export function pbBytes(field: number, body: Uint8Array | string): Uint8Array {
  const b = typeof body === 'string' ? enc.encode(body) : body
  return concat(varint(field * 8 + 2), varint(b.length), b)
}

export interface OnnxSpec {
  producer?: string
  inputs: { name: string; elemType: number; dims: (number | string)[] }[]
  outputs: { name: string; elemType: number; dims: (number | string)[] }[]
  nodes: { op: string; domain?: string }[]
  initializers: { name: string; dims: number[]; dataType: number; rawBytes?: number; location?: string }[]
  opset?: number
}
function valueInfo(v: { name: string; elemType: number; dims: (number | string)[] }): Uint8Array {
  const dims = v.dims.map((d) => pbBytes(1, typeof d === 'number' ? pbVarint(1, d) : pbBytes(2, d)))
  const shape = pbBytes(2, concat(...dims))
  const tensorType = pbBytes(1, concat(pbVarint(1, v.elemType), shape))
  return concat(pbBytes(1, v.name), pbBytes(2, tensorType))
}
export function onnx(spec: OnnxSpec): Uint8Array {
  const graph = concat(
    ...spec.nodes.map((n) => pbBytes(1, concat(pbBytes(4, n.op), ...(n.domain ? [pbBytes(7, n.domain)] : [])))),
    pbBytes(2, 'main'),
    ...spec.initializers.map((t) =>
      pbBytes(
        5,
        concat(
          ...t.dims.map((d) => pbVarint(1, d)),
          pbVarint(2, t.dataType),
          pbBytes(8, t.name),
          ...(t.rawBytes !== undefined ? [pbBytes(9, new Uint8Array(t.rawBytes))] : []),
          ...(t.location ? [pbBytes(13, concat(pbBytes(1, 'location'), pbBytes(2, t.location))), pbVarint(14, 1)] : []),
        ),
      ),
    ),
    ...spec.inputs.map((i) => pbBytes(11, valueInfo(i))),
    ...spec.outputs.map((o) => pbBytes(12, valueInfo(o))),
  )
  return concat(
    pbVarint(1, 8),
    pbBytes(2, spec.producer ?? 'pytorch'),
    pbBytes(3, '2.1'),
    pbBytes(7, graph),
    pbBytes(8, concat(pbBytes(1, ''), pbVarint(2, spec.opset ?? 17))),
  )
}

// ---- pickle, opcode by opcode

export const op = {
  proto: (v: number) => [0x80, v],
  global: (mod: string, name: string) => concat([0x63], enc.encode(`${mod}\n${name}\n`)),
  inst: (mod: string, name: string) => concat([0x69], enc.encode(`${mod}\n${name}\n`)),
  str: (s: string) => {
    const b = enc.encode(s)
    return b.length < 256 ? concat([0x8c, b.length], b) : concat([0x58], u32(b.length), b)
  },
  unicode0: (s: string) => concat([0x56], enc.encode(`${s}\n`)),
  string0: (s: string) => concat([0x53], enc.encode(`'${s}'\n`)),
  bytes: (b: Uint8Array) => concat([0x42], u32(b.length), b),
  binint1: (n: number) => [0x4b, n],
  mark: [0x28],
  tuple: [0x74],
  tuple1: [0x85],
  tuple2: [0x86],
  emptyTuple: [0x29],
  emptyDict: [0x7d],
  reduce: [0x52],
  build: [0x62],
  obj: [0x6f],
  stackGlobal: [0x93],
  memoize: [0x94],
  binput: (n: number) => [0x71, n],
  binget: (n: number) => [0x68, n],
  setitem: [0x73],
  none: [0x4e],
  pop: [0x30],
  binpersid: [0x51],
  stop: [0x2e],
}

export function pickle(...ops: (Uint8Array | number[])[]): Uint8Array {
  return concat(...ops)
}

/** `os.system("echo pwned")` through GLOBAL + REDUCE (protocol 2). */
export function evilGlobalReduce(mod = 'os', name = 'system'): Uint8Array {
  return pickle(op.proto(2), op.global(mod, name), op.str('echo pwned'), op.tuple1, op.reduce, op.stop)
}

/** A benign torch `data.pkl`: an OrderedDict of one tensor rebuilt from storage "0". */
export function benignTorchPickle(): Uint8Array {
  return pickle(
    op.proto(2),
    op.global('collections', 'OrderedDict'),
    op.emptyTuple,
    op.reduce,
    op.binput(0),
    op.str('weight'),
    op.global('torch._utils', '_rebuild_tensor_v2'),
    op.mark,
    op.mark,
    op.str('storage'),
    op.global('torch', 'FloatStorage'),
    op.str('0'),
    op.str('cpu'),
    op.binint1(4),
    op.tuple,
    op.binpersid,
    op.binint1(0),
    op.binint1(2),
    op.binint1(2),
    op.tuple2,
    op.binint1(2),
    op.binint1(1),
    op.tuple2,
    [0x89],
    op.global('collections', 'OrderedDict'),
    op.emptyTuple,
    op.reduce,
    op.tuple,
    op.reduce,
    op.setitem,
    op.stop,
  )
}

// ---- zip

export interface ZipMember {
  name: string
  data: Uint8Array
  deflate?: boolean
  /** Lie in the central directory: the size it declares. */
  declaredSize?: number
  flags?: number
}
export function zip(members: ZipMember[]): Uint8Array {
  const locals: Uint8Array[] = []
  const central: Uint8Array[] = []
  let offset = 0
  for (const m of members) {
    const name = enc.encode(m.name)
    const body = m.deflate ? new Uint8Array(deflateRawSync(m.data)) : m.data
    const method = m.deflate ? 8 : 0
    const size = m.declaredSize ?? m.data.length
    const common = concat(
      u16(20),
      u16(m.flags ?? 0),
      u16(method),
      u16(0),
      u16(0),
      u32(0),
      u32(body.length),
      u32(size),
      u16(name.length),
    )
    const local = concat(u32(0x04034b50), common, u16(0), name, body)
    central.push(concat(u32(0x02014b50), u16(20), common, u16(0), u16(0), u16(0), u16(0), u32(0), u32(offset), name))
    locals.push(local)
    offset += local.length
  }
  const cd = concat(...central)
  const eocd = concat(
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(members.length),
    u16(members.length),
    u32(cd.length),
    u32(offset),
    u16(0),
  )
  return concat(...locals, cd, eocd)
}

export function torchZip(dataPkl: Uint8Array = benignTorchPickle()): Uint8Array {
  return zip([
    { name: 'archive/data.pkl', data: dataPkl },
    { name: 'archive/byteorder', data: enc.encode('little') },
    { name: 'archive/data/0', data: new Uint8Array(16) },
    { name: 'archive/version', data: enc.encode('3\n') },
  ])
}

// ---- numpy

export function npy(descr: string, shape: number[], body: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`
  while ((10 + header.length + 1) % 64 !== 0) header += ' '
  header += '\n'
  return concat([0x93], enc.encode('NUMPY'), [1, 0], u16(header.length), enc.encode(header), body)
}

// ---- Keras v3

export function kerasFile(layers: unknown[]): Uint8Array {
  const config = {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'sequential', layers },
    registered_name: null,
  }
  return zip([
    { name: 'metadata.json', data: enc.encode(JSON.stringify({ keras_version: '3.4.1', date_saved: '2026-11-30' })) },
    { name: 'config.json', data: enc.encode(JSON.stringify(config)), deflate: true },
    { name: 'model.weights.h5', data: new Uint8Array(32) },
  ])
}

export function denseLayer(name: string): unknown {
  return { module: 'keras.layers', class_name: 'Dense', config: { name, units: 4 }, registered_name: null }
}

export function lambdaLayer(name: string): unknown {
  return {
    module: 'keras.layers',
    class_name: 'Lambda',
    config: {
      name,
      function: { class_name: '__lambda__', config: { code: 'YmFzZTY0IGJ5dGVjb2Rl', defaults: null, closure: null } },
    },
    registered_name: null,
  }
}
