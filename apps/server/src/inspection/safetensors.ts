// safetensors: u64le header length N, N bytes of JSON, then the tensor bytes. Only the header is read.
import type { FileSummary, Findings } from './result.js'
import { type ByteSource, decodeUtf8, type InspectionLimits, MalformedError, readExact, u64 } from './source.js'

/** Bits per element; scale-only dtypes are listed with 0 so they do not count as parameters. */
const bitsOf: Record<string, number> = {
  BOOL: 8,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  I64: 64,
  U64: 64,
  F64: 64,
  C64: 64,
}
const scaleOnly = new Set(['F8_E8M0', 'E8M0', 'UE8'])

export function looksLikeSafetensors(head: Uint8Array): boolean {
  return head.length >= 9 && head[8] === 0x7b && head[6] === 0 && head[7] === 0
}

export async function inspectSafetensors(
  src: ByteSource,
  limits: InspectionLimits,
  findings: Findings,
): Promise<FileSummary> {
  const lenBytes = await readExact(src, 0, 8, 'safetensors header length')
  const n = u64(new DataView(lenBytes.buffer, lenBytes.byteOffset, 8), 0, 'header length')
  if (n < 2) throw new MalformedError('safetensors header is empty')
  if (n > limits.maxJsonBytes)
    throw new MalformedError(`safetensors header of ${n} bytes is over the limit`, 'limit-exceeded')
  if (8 + n > src.size) throw new MalformedError('safetensors header runs past the end of the file', 'truncated')
  const header = parseJsonObject(decodeUtf8(await readExact(src, 8, n, 'safetensors header'), 'header'), 'header')
  const dataSize = src.size - 8 - n
  const byDtype = new Map<string, number>()
  const spans: [number, number, string][] = []
  let tensors = 0
  let metadata: Record<string, string> | undefined
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      if (!isPlainObject(entry) || Object.values(entry).some((v) => typeof v !== 'string')) {
        throw new MalformedError('__metadata__ must map strings to strings')
      }
      metadata = entry as Record<string, string>
      continue
    }
    if (!isPlainObject(entry)) throw new MalformedError(`tensor "${name}" is not an object`)
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown }
    if (typeof dtype !== 'string' || !Array.isArray(shape) || !Array.isArray(offsets) || offsets.length !== 2) {
      throw new MalformedError(`tensor "${name}" lacks dtype, shape or data_offsets`)
    }
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0 && d <= 2 ** 40)) {
      throw new MalformedError(`tensor "${name}" has an invalid shape`)
    }
    const [begin, end] = offsets as unknown[]
    if (
      !Number.isSafeInteger(begin) ||
      !Number.isSafeInteger(end) ||
      (begin as number) < 0 ||
      (end as number) < (begin as number) ||
      (end as number) > dataSize
    ) {
      throw new MalformedError(`tensor "${name}" has offsets outside the file`)
    }
    const numel = (shape as number[]).reduce((a, b) => a * b, 1)
    const bits = bitsOf[dtype]
    if (bits !== undefined && numel * bits !== ((end as number) - (begin as number)) * 8) {
      throw new MalformedError(`tensor "${name}" size does not match its shape and dtype`)
    }
    if (bits === undefined) findings.add('info', 'unknown-dtype', `tensor "${name}" has dtype ${dtype}`)
    spans.push([begin as number, end as number, name])
    tensors++
    if (shape.length > 0 && !scaleOnly.has(dtype)) byDtype.set(dtype, (byDtype.get(dtype) ?? 0) + numel)
  }
  spans.sort((a, b) => a[0] - b[0])
  let at = 0
  for (const [begin, end, name] of spans) {
    if (begin < at) throw new MalformedError(`tensor "${name}" overlaps another`)
    if (begin > at) findings.add('info', 'unindexed-bytes', `bytes ${at}–${begin} of the data are not in any tensor`)
    at = end
  }
  if (at < dataSize) findings.add('info', 'trailing-bytes', `${dataSize - at} bytes after the last tensor`)
  const parameters = [...byDtype.values()].reduce((a, b) => a + b, 0)
  return {
    parameters,
    dtypes: [...byDtype.keys()].sort(),
    parametersByDtype: Object.fromEntries(byDtype),
    tensors,
    ...(metadata && { metadata }),
  }
}

/** `*.safetensors.index.json`: which shard holds which tensor, and the declared total size. */
export async function inspectSafetensorsIndex(
  src: ByteSource,
  limits: InspectionLimits,
  findings: Findings,
): Promise<FileSummary> {
  if (src.size > limits.maxJsonBytes) throw new MalformedError('index is over the JSON limit', 'limit-exceeded')
  const json = parseJsonObject(decodeUtf8(await readExact(src, 0, src.size, 'index'), 'index'), 'index')
  const map = json.weight_map
  if (!isPlainObject(map)) throw new MalformedError('index has no weight_map')
  const shards = new Set<string>()
  for (const file of Object.values(map)) {
    if (typeof file !== 'string') throw new MalformedError('weight_map values must be file names')
    if (file.startsWith('/') || file.includes('..') || file.includes('://')) {
      findings.add('suspicious', 'shard-path', `shard "${file}" points outside the version`)
    }
    shards.add(file)
  }
  const meta = isPlainObject(json.metadata) ? json.metadata : {}
  return {
    tensors: Object.keys(map).length,
    shards: [...shards].sort(),
    ...(typeof meta.total_size === 'number' && { totalSize: meta.total_size }),
    ...(typeof meta.total_parameters === 'number' && { parameters: meta.total_parameters }),
  }
}

export function parseJsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new MalformedError(`${what} is not valid JSON`)
  }
  if (!isPlainObject(value)) throw new MalformedError(`${what} is not a JSON object`)
  return value
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
