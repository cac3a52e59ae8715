// NumPy `.npy`: "\x93NUMPY", version, header length, a Python dict literal (descr, fortran_order, shape), then the
// data. Only an object array holds a pickle (right after the header), which is scanned.
import { type ScanContext, scanPickle } from './pickle.js'
import type { FileSummary } from './result.js'
import { type ByteSource, latin1, MalformedError, readExact } from './source.js'

export function looksLikeNpy(head: Uint8Array): boolean {
  return head.length >= 6 && head[0] === 0x93 && latin1.decode(head.subarray(1, 6)) === 'NUMPY'
}

export async function inspectNpy(src: ByteSource, ctx: ScanContext): Promise<FileSummary & { imports?: string[] }> {
  const pre = await readExact(src, 0, 10, '.npy preamble')
  if (!looksLikeNpy(pre)) throw new MalformedError('not a .npy file')
  const major = pre[6] as number
  const dv = new DataView(pre.buffer, pre.byteOffset, 10)
  let headerLen: number
  let start: number
  if (major === 1) {
    headerLen = dv.getUint16(8, true)
    start = 10
  } else if (major === 2 || major === 3) {
    const more = await readExact(src, 8, 4, '.npy header length')
    headerLen = new DataView(more.buffer, more.byteOffset, 4).getUint32(0, true)
    start = 12
  } else throw new MalformedError(`.npy version ${major} is not supported`)
  if (headerLen > 1024 * 1024) throw new MalformedError('.npy header is too long', 'limit-exceeded')
  const header = latin1.decode(await readExact(src, start, headerLen, '.npy header'))
  const descr = /'descr':\s*('([^']*)'|\[.*\])/s.exec(header)
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header)
  if (!descr || !shape) throw new MalformedError('.npy header lacks descr or shape')
  const dims = (shape[1] as string)
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '')
    .map((d) => Number.parseInt(d, 10))
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new MalformedError('.npy shape is invalid')
  const dtype = descr[2] ?? 'structured'
  const isObject = descr[2] !== undefined ? /O/.test(descr[2]) : /'O'|"O"|'\|O'/.test(descr[1] as string)
  const summary: FileSummary & { imports?: string[] } = {
    dtypes: [dtype],
    shape: dims,
    parameters: dims.reduce((a, b) => a * b, 1),
  }
  if (isObject) {
    ctx.findings.add('info', 'object-array', 'an object array: its elements are pickled Python objects')
    const scan = await scanPickle(src, ctx, start + headerLen)
    summary.imports = scan.globals
  }
  return summary
}
