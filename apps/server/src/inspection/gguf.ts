// GGUF (llama.cpp): "GGUF", version, counts, typed key/value metadata, then tensor infos. Only those are read; the
// tensor data after them is not.
import type { FileSummary, Findings } from './result.js'
import { type ByteSource, Cursor, decodeUtf8, type InspectionLimits, MalformedError } from './source.js'

const fileTypes: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  7: 'Q8_0',
  8: 'Q5_0',
  9: 'Q5_1',
  10: 'Q2_K',
  11: 'Q3_K_S',
  12: 'Q3_K_M',
  13: 'Q3_K_L',
  14: 'Q4_K_S',
  15: 'Q4_K_M',
  16: 'Q5_K_S',
  17: 'Q5_K_M',
  18: 'Q6_K',
  32: 'BF16',
}
const ggmlTypes: Record<number, string> = {
  0: 'F32',
  1: 'F16',
  2: 'Q4_0',
  3: 'Q4_1',
  6: 'Q5_0',
  7: 'Q5_1',
  8: 'Q8_0',
  9: 'Q8_1',
  10: 'Q2_K',
  11: 'Q3_K',
  12: 'Q4_K',
  13: 'Q5_K',
  14: 'Q6_K',
  15: 'Q8_K',
  24: 'I8',
  25: 'I16',
  26: 'I32',
  27: 'I64',
  28: 'F64',
  30: 'BF16',
}
/** Jinja constructs that reach Python internals: harmless in a sandboxed renderer, code execution in an unsandboxed one. */
const templateEscapes = [
  '__class__',
  '__mro__',
  '__subclasses__',
  '__globals__',
  '__builtins__',
  '__import__',
  'popen',
  'eval(',
  'exec(',
]

const MAX_STRING = 10 * 1024 * 1024
const MAX_ARRAY = 1_000_000

export function looksLikeGguf(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46
}

export async function inspectGguf(src: ByteSource, limits: InspectionLimits, findings: Findings): Promise<FileSummary> {
  const c = new Cursor(src, 0, 256 * 1024)
  await c.need(8, 'GGUF header')
  c.skip(4)
  const version = c.view(4).getUint32(0, true)
  if (version < 1 || version > 3) throw new MalformedError(`GGUF version ${version} is not supported`)
  const size = async (): Promise<number> => {
    if (version === 1) {
      await c.need(4, 'GGUF count')
      return c.view(4).getUint32(0, true)
    }
    await c.need(8, 'GGUF count')
    const v = c.view(8).getBigUint64(0, true)
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedError('GGUF count is too large')
    return Number(v)
  }
  const tensorCount = await size()
  const kvCount = await size()
  if (tensorCount > limits.maxItems || kvCount > limits.maxItems) {
    throw new MalformedError('GGUF declares more tensors or keys than the limit', 'limit-exceeded')
  }
  const string = async (): Promise<string> => {
    const n = await size()
    if (n > MAX_STRING) throw new MalformedError('GGUF string is too long', 'limit-exceeded')
    await c.need(n, 'GGUF string')
    return decodeUtf8(c.bytes(n), 'GGUF string')
  }
  const scalarSizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 }
  const value = async (type: number, depth: number): Promise<unknown> => {
    if (type === 8) return string()
    if (type === 9) {
      if (depth > 4) throw new MalformedError('GGUF arrays nest too deep')
      await c.need(4, 'GGUF array type')
      const itemType = c.view(4).getUint32(0, true)
      const n = await size()
      if (n > MAX_ARRAY) throw new MalformedError('GGUF array is too long', 'limit-exceeded')
      const width = scalarSizes[itemType]
      if (width !== undefined) {
        // Token scores and types: skipped, counted only.
        c.skip(n * width, 'GGUF array')
        return { length: n }
      }
      const items: unknown[] = []
      for (let i = 0; i < n; i++) {
        const v = await value(itemType, depth + 1)
        if (items.length < 16) items.push(v)
      }
      return { length: n, first: items }
    }
    const width = scalarSizes[type]
    if (width === undefined) throw new MalformedError(`GGUF value type ${type} is unknown`)
    await c.need(width, 'GGUF value')
    const v = c.view(width)
    switch (type) {
      case 0:
        return v.getUint8(0)
      case 1:
        return v.getInt8(0)
      case 2:
        return v.getUint16(0, true)
      case 3:
        return v.getInt16(0, true)
      case 4:
        return v.getUint32(0, true)
      case 5:
        return v.getInt32(0, true)
      case 6:
        return v.getFloat32(0, true)
      case 7:
        return v.getUint8(0) !== 0
      case 10:
        return Number(v.getBigUint64(0, true))
      case 11:
        return Number(v.getBigInt64(0, true))
      default:
        return v.getFloat64(0, true)
    }
  }
  const meta = new Map<string, unknown>()
  for (let i = 0; i < kvCount; i++) {
    const key = await string()
    await c.need(4, 'GGUF value type')
    const type = c.view(4).getUint32(0, true)
    meta.set(key, await value(type, 0))
  }
  let parameters = 0
  const dtypes = new Set<string>()
  for (let i = 0; i < tensorCount; i++) {
    await string()
    await c.need(4, 'GGUF tensor dims')
    const nDims = c.view(4).getUint32(0, true)
    if (nDims > 8) throw new MalformedError('GGUF tensor has too many dimensions')
    let numel = 1
    for (let d = 0; d < nDims; d++) {
      const dim = await size()
      numel *= dim
    }
    await c.need(12, 'GGUF tensor info')
    const type = c.view(4).getUint32(0, true)
    c.skip(8)
    dtypes.add(ggmlTypes[type] ?? `type-${type}`)
    parameters += numel
  }
  if (parameters > src.size * 8) throw new MalformedError('GGUF tensor shapes are larger than the file could hold')
  const arch = meta.get('general.architecture')
  const template = meta.get('tokenizer.chat_template')
  if (typeof template === 'string') {
    const hits = templateEscapes.filter((t) => template.includes(t))
    if (hits.length > 0) {
      findings.add('suspicious', 'chat-template', `tokenizer.chat_template uses ${hits.join(', ')}`)
    }
  }
  const str = (k: string) => (typeof meta.get(k) === 'string' ? (meta.get(k) as string) : undefined)
  const num = (k: string) => (typeof meta.get(k) === 'number' ? (meta.get(k) as number) : undefined)
  const fileType = num('general.file_type')
  return {
    parameters,
    dtypes: [...dtypes].sort(),
    tensors: tensorCount,
    ggufVersion: version,
    ...(typeof arch === 'string' && { architecture: arch }),
    ...(str('general.name') && { name: str('general.name') }),
    ...(typeof arch === 'string' &&
      num(`${arch}.context_length`) !== undefined && { contextLength: num(`${arch}.context_length`) }),
    ...(fileType !== undefined && { quantization: fileTypes[fileType] ?? `file-type-${fileType}` }),
  }
}
