// The entry point of inspection: decides a file's format from its first bytes (and its name only where a format
// has no magic), runs that format's parser within the limits and turns every failure into a finding. Pure: bytes
// in through a ByteSource, a FileInspection out; never throws for anything the file contains.
import { gunzipSync, inflateSync } from 'node:zlib'
import { inspectGguf, looksLikeGguf } from './gguf.js'
import { inspectHfConfig, inspectKeras } from './keras.js'
import { inspectNpy, looksLikeNpy } from './numpy.js'
import { inspectOnnx } from './onnx.js'
import { looksLikePickle, type ScanContext, scanPickle } from './pickle.js'
import { type FileFormat, type FileInspection, type FileSummary, Findings } from './result.js'
import { inspectSafetensors, inspectSafetensorsIndex, looksLikeSafetensors } from './safetensors.js'
import {
  BudgetedSource,
  type ByteSource,
  bufferSource,
  defaultLimits,
  type InspectionLimits,
  MalformedError,
} from './source.js'
import { looksLikeZip, ZipReader } from './zip.js'

const pickleExtensions = /\.(pkl|pickle|joblib|dat|data|pt|pth|bin|ckpt|sav)$/i
const torchExtensions = /\.(pt|pth|bin|ckpt|pt2)$/i
const nativeCode = /\.(so|dll|dylib|pyd)$/i

export async function inspectFile(
  raw: ByteSource,
  name: string,
  limits: InspectionLimits = defaultLimits,
): Promise<FileInspection> {
  const findings = new Findings(limits.maxFindings)
  const src = new BudgetedSource(raw, { bytes: 0, max: limits.maxBytesRead })
  const base = name.split('/').pop() ?? name
  let format: FileFormat = 'unknown'
  let summary: FileSummary = {}
  try {
    const head = await src.read(0, Math.min(16, src.size))
    if (/\.safetensors\.index\.json$/i.test(base)) {
      format = 'safetensors-index'
      summary = await inspectSafetensorsIndex(src, limits, findings)
    } else if (base === 'config.json') {
      format = 'hf-config'
      summary = await inspectHfConfig(src, limits, findings)
    } else if (looksLikeSafetensors(head) || /\.safetensors$/i.test(base)) {
      format = 'safetensors'
      if (!looksLikeSafetensors(head)) throw new MalformedError('not a safetensors file (bad header)')
      summary = await inspectSafetensors(src, limits, findings)
    } else if (looksLikeGguf(head) || /\.gguf$/i.test(base)) {
      format = 'gguf'
      if (!looksLikeGguf(head)) throw new MalformedError('not a GGUF file (no GGUF magic)')
      summary = await inspectGguf(src, limits, findings)
    } else if (/\.onnx$/i.test(base)) {
      format = 'onnx'
      summary = await inspectOnnx(src, limits, findings)
    } else if (looksLikeNpy(head) || /\.npy$/i.test(base)) {
      format = 'numpy'
      summary = await inspectNpy(src, { findings, limits, depth: 0 })
    } else if (looksLikeZip(head) || /\.(keras|npz)$/i.test(base)) {
      if (!looksLikeZip(head)) {
        format = /\.keras$/i.test(base) ? 'keras' : 'numpy'
        throw new MalformedError('not a zip archive')
      }
      const zip = await ZipReader.open(src, limits)
      ;({ format, summary } = await inspectZip(zip, base, { findings, limits, depth: 0 }))
    } else if (looksLikePickle(head) || pickleExtensions.test(base)) {
      format = torchExtensions.test(base) ? 'pytorch' : 'pickle'
      summary = await inspectPickleFile(src, head, { findings, limits, depth: 0 })
    }
  } catch (err) {
    if (!(err instanceof MalformedError)) {
      // A parser bug must not pass a file as safe: it is unscannable, with a generic reason.
      findings.add('unscannable', 'inspection-error', 'the file could not be inspected')
    } else findings.add('unscannable', err.code, err.message)
  }
  if (findings.dropped > 0) summary.findingsDropped = findings.dropped
  summary.bytesRead = src.meter.bytes
  return { format, summary, findings: findings.list }
}

/** A pickle file, possibly a compressed joblib dump (zlib and gzip are inflated within the limits). */
async function inspectPickleFile(src: ByteSource, head: Uint8Array, ctx: ScanContext): Promise<FileSummary> {
  let body = src
  if (head[0] === 0x78 || (head[0] === 0x1f && head[1] === 0x8b)) {
    if (src.size > ctx.limits.maxInflatedBytes)
      throw new MalformedError('compressed dump is over the limit', 'limit-exceeded')
    const bytes = await src.read(0, src.size)
    try {
      const opts = { maxOutputLength: ctx.limits.maxInflatedBytes }
      body = bufferSource(head[0] === 0x78 ? inflateSync(bytes, opts) : gunzipSync(bytes, opts))
    } catch {
      throw new MalformedError('compressed dump does not inflate within the limit', 'zip-bomb')
    }
  } else if (
    (head[0] === 0x42 && head[1] === 0x5a) ||
    (head[0] === 0xfd && head[1] === 0x37) ||
    (head[0] === 0x5d && head[1] === 0x00) ||
    (head[0] === 0x04 && head[1] === 0x22)
  ) {
    throw new MalformedError('bz2, xz, lzma and lz4 dumps are not opened', 'unsupported-compression')
  }
  const scan = await scanPickle(body, ctx)
  return { imports: scan.globals, pickles: scan.streams }
}

async function inspectZip(
  zip: ZipReader,
  base: string,
  ctx: ScanContext,
): Promise<{ format: FileFormat; summary: FileSummary }> {
  const names = zip.entries.map((e) => e.name)
  if (/\.keras$/i.test(base) || (names.includes('config.json') && names.includes('metadata.json'))) {
    return { format: 'keras', summary: await inspectKeras(zip, ctx.limits, ctx.findings) }
  }
  const imports = new Set<string>()
  let pickles = 0
  const arrays: Record<string, unknown> = {}
  let parameters = 0
  const dtypes = new Set<string>()
  for (const entry of zip.entries) {
    if (entry.name.endsWith('/')) continue
    if (nativeCode.test(entry.name)) {
      ctx.findings.add('dangerous', 'native-code', `archive member ${entry.name} is a native library`)
      continue
    }
    if (entry.name.includes('/code/') && entry.name.endsWith('.py')) {
      ctx.findings.add('info', 'torchscript', `TorchScript code in ${entry.name}`)
      continue
    }
    const isNpy = entry.name.endsWith('.npy')
    const isPickleName = pickleExtensions.test(entry.name)
    // torch's raw tensor storages (archive/data/N): bytes torch never unpickles, which may start like a pickle.
    if (!isPickleName && /(^|\/)data\/[^/]+$/.test(entry.name)) continue
    // Members that might be pickles whatever their name: peek at their first bytes.
    if (entry.size < 2) continue
    const member = await zip.open(entry)
    const head = await member.read(0, Math.min(16, member.size))
    const where = { ...ctx, where: entry.name }
    if (isNpy || looksLikeNpy(head)) {
      const s = await inspectNpy(member, where)
      arrays[entry.name] = { dtype: s.dtypes?.[0], shape: s.shape }
      parameters += s.parameters ?? 0
      for (const d of s.dtypes ?? []) dtypes.add(d)
      for (const g of s.imports ?? []) imports.add(g)
    } else if (looksLikeZip(head)) {
      if (ctx.depth + 1 >= ctx.limits.maxDepth) {
        throw new MalformedError(`zips nested deeper than ${ctx.limits.maxDepth} levels`, 'limit-exceeded')
      }
      const inner = await inspectZip(await ZipReader.open(member, ctx.limits), entry.name, {
        ...ctx,
        depth: ctx.depth + 1,
      })
      for (const g of (inner.summary.imports as string[] | undefined) ?? []) imports.add(g)
    } else if (isPickleName || looksLikePickle(head)) {
      const scan = await scanPickle(member, where)
      pickles++
      for (const g of scan.globals) imports.add(g)
    }
  }
  const isTorch = names.some((n) => n === 'data.pkl' || n.endsWith('/data.pkl')) || torchExtensions.test(base)
  const format: FileFormat = isTorch
    ? 'pytorch'
    : Object.keys(arrays).length > 0
      ? 'numpy'
      : pickles > 0
        ? 'pickle'
        : 'unknown'
  return {
    format,
    summary: {
      members: names.length,
      ...(pickles > 0 && { pickles }),
      ...(imports.size > 0 && { imports: [...imports] }),
      ...(Object.keys(arrays).length > 0 && { arrays, parameters, dtypes: [...dtypes].sort() }),
    },
  }
}
