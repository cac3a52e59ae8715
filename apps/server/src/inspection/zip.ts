// A zip reader for untrusted archives over a ByteSource: the central directory is read from the end (local headers
// are only used to find each member's data), members are read one at a time, stored or deflated, and every size is
// checked against the limits before a byte is inflated. Anything it will not read is an `unscannable` reason.
import { inflateRawSync } from 'node:zlib'
import {
  type ByteSource,
  bufferSource,
  type InspectionLimits,
  MalformedError,
  readExact,
  sliceSource,
  u64,
} from './source.js'

export interface ZipEntry {
  name: string
  method: number
  flags: number
  compressedSize: number
  size: number
  localOffset: number
}

export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04
}

export class ZipReader {
  private inflated = 0
  private constructor(
    private readonly src: ByteSource,
    readonly entries: ZipEntry[],
    private readonly limits: InspectionLimits,
  ) {}

  static async open(src: ByteSource, limits: InspectionLimits): Promise<ZipReader> {
    if (src.size < 22) throw new MalformedError('zip is too short for an end record', 'truncated')
    const tailLen = Math.min(src.size, 22 + 65535)
    const tail = await readExact(src, src.size - tailLen, tailLen, 'zip end record')
    const dv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength)
    let eocd = -1
    for (let i = tail.length - 22; i >= 0; i--) {
      if (dv.getUint32(i, true) === 0x06054b50) {
        eocd = i
        break
      }
    }
    if (eocd < 0) throw new MalformedError('zip end-of-central-directory record not found')
    let count = dv.getUint16(eocd + 10, true)
    let cdSize = dv.getUint32(eocd + 12, true)
    let cdOffset = dv.getUint32(eocd + 16, true)
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // Zip64: the locator sits right before the end record and points at the zip64 end record.
      const loc = eocd - 20
      if (loc < 0 || dv.getUint32(loc, true) !== 0x07064b50) throw new MalformedError('zip64 locator missing')
      const z64At = u64(dv, loc + 8, 'zip64 offset')
      const z64 = await readExact(src, z64At, 56, 'zip64 end record')
      const zv = new DataView(z64.buffer, z64.byteOffset, 56)
      if (zv.getUint32(0, true) !== 0x06064b50) throw new MalformedError('zip64 end record missing')
      count = u64(zv, 32, 'zip64 entry count')
      cdSize = u64(zv, 40, 'zip64 directory size')
      cdOffset = u64(zv, 48, 'zip64 directory offset')
    }
    if (count > limits.maxZipEntries) {
      throw new MalformedError(`zip has ${count} entries, over the limit of ${limits.maxZipEntries}`, 'limit-exceeded')
    }
    if (cdOffset + cdSize > src.size) throw new MalformedError('zip central directory is outside the file', 'truncated')
    const cd = await readExact(src, cdOffset, cdSize, 'zip central directory')
    const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength)
    const entries: ZipEntry[] = []
    const names = new Set<string>()
    let p = 0
    const td = new TextDecoder()
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || cv.getUint32(p, true) !== 0x02014b50)
        throw new MalformedError('zip central directory is corrupt')
      const flags = cv.getUint16(p + 8, true)
      const method = cv.getUint16(p + 10, true)
      let compressedSize = cv.getUint32(p + 20, true)
      let size = cv.getUint32(p + 24, true)
      const nameLen = cv.getUint16(p + 28, true)
      const extraLen = cv.getUint16(p + 30, true)
      const commentLen = cv.getUint16(p + 32, true)
      let localOffset = cv.getUint32(p + 42, true)
      if (p + 46 + nameLen + extraLen + commentLen > cd.length)
        throw new MalformedError('zip central directory is corrupt')
      const name = td.decode(cd.subarray(p + 46, p + 46 + nameLen))
      // Zip64 extra field: the 0xffffffff fields, in order, as u64.
      let e = p + 46 + nameLen
      const extraEnd = e + extraLen
      while (e + 4 <= extraEnd) {
        const id = cv.getUint16(e, true)
        const len = cv.getUint16(e + 2, true)
        if (id === 0x0001) {
          let q = e + 4
          if (size === 0xffffffff && q + 8 <= e + 4 + len) {
            size = u64(cv, q, 'zip64 size')
            q += 8
          }
          if (compressedSize === 0xffffffff && q + 8 <= e + 4 + len) {
            compressedSize = u64(cv, q, 'zip64 size')
            q += 8
          }
          if (localOffset === 0xffffffff && q + 8 <= e + 4 + len) localOffset = u64(cv, q, 'zip64 offset')
        }
        e += 4 + len
      }
      if (names.has(name)) throw new MalformedError(`zip has two entries named "${name}"`)
      names.add(name)
      entries.push({ name, method, flags, compressedSize, size, localOffset })
      p += 46 + nameLen + extraLen + commentLen
    }
    const declared = entries.reduce((a, x) => a + x.size, 0)
    const stored = entries.reduce((a, x) => a + x.compressedSize, 0)
    // A bomb announces itself in the directory; one that lies about its sizes is caught while inflating.
    if (stored > 0 && declared > 1024 * 1024 && declared / stored > limits.maxCompressionRatio) {
      throw new MalformedError(
        `zip would expand ${Math.round(declared / stored)}× (limit ${limits.maxCompressionRatio}×)`,
        'zip-bomb',
      )
    }
    return new ZipReader(src, entries, limits)
  }

  /** Where a member's data starts and how long it is (stored members are then read in place). */
  private async dataSpan(entry: ZipEntry): Promise<number> {
    const local = await readExact(this.src, entry.localOffset, 30, `local header of ${entry.name}`)
    const lv = new DataView(local.buffer, local.byteOffset, 30)
    if (lv.getUint32(0, true) !== 0x04034b50) throw new MalformedError(`zip local header of ${entry.name} is corrupt`)
    const start = entry.localOffset + 30 + lv.getUint16(26, true) + lv.getUint16(28, true)
    if (start + entry.compressedSize > this.src.size)
      throw new MalformedError(`zip member ${entry.name} is truncated`, 'truncated')
    return start
  }

  /** A member as a ByteSource: stored members are read in place (random access); deflated ones are inflated. */
  async open(entry: ZipEntry): Promise<ByteSource> {
    if ((entry.flags & 0x1) !== 0) throw new MalformedError(`zip member ${entry.name} is encrypted`, 'encrypted')
    const start = await this.dataSpan(entry)
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new MalformedError(`stored zip member ${entry.name} has two sizes`)
      return sliceSource(this.src, start, entry.size)
    }
    if (entry.method !== 8) {
      throw new MalformedError(
        `zip member ${entry.name} uses compression method ${entry.method}`,
        'unsupported-compression',
      )
    }
    if (entry.size > this.limits.maxInflatedBytes - this.inflated) {
      throw new MalformedError(`zip member ${entry.name} inflates past the limit`, 'zip-bomb')
    }
    if (
      entry.compressedSize > 0 &&
      entry.size > 1024 * 1024 &&
      entry.size / entry.compressedSize > this.limits.maxCompressionRatio
    ) {
      throw new MalformedError(`zip member ${entry.name} would expand past the ratio limit`, 'zip-bomb')
    }
    const raw = await readExact(this.src, start, entry.compressedSize, `zip member ${entry.name}`)
    let out: Buffer
    try {
      // The declared size caps the output: a member that inflates to more than it says is refused, not grown.
      out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) })
    } catch {
      throw new MalformedError(`zip member ${entry.name} does not inflate to its declared size`, 'zip-bomb')
    }
    if (out.length !== entry.size) throw new MalformedError(`zip member ${entry.name} is not its declared size`)
    this.inflated += out.length
    return bufferSource(out)
  }
}
