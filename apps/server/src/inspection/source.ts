// The only way a parser sees a file's bytes: random-access reads under a budget, so a parser of untrusted bytes can
// read a header without fetching the file and can never read (or allocate) more than its limit.

/** Random access to one file's bytes. `read` may return fewer bytes than asked only at the end of the file. */
export interface ByteSource {
  readonly size: number
  read(offset: number, length: number): Promise<Uint8Array>
}

/** Hard limits on one file's inspection (docs/inspection.md, "Limits"). */
export interface InspectionLimits {
  /** Bytes read from the blob store for one file, all members included. */
  maxBytesRead: number
  /** JSON headers and configs (safetensors header, config.json, index.json, Keras config). */
  maxJsonBytes: number
  /** Entries in one zip archive. */
  maxZipEntries: number
  /** Bytes one zip member may inflate to before it is read (and total over all members read). */
  maxInflatedBytes: number
  /** Inflated / compressed size past which a member counts as a bomb. */
  maxCompressionRatio: number
  /** Zips inside zips (and pickles inside pickles) followed this deep. */
  maxDepth: number
  /** Findings kept per file (the rest are counted). */
  maxFindings: number
  /** GGUF key/value pairs, tensors, ONNX nodes and initializers walked. */
  maxItems: number
}

export const defaultLimits: InspectionLimits = {
  maxBytesRead: 256 * 1024 * 1024,
  maxJsonBytes: 25 * 1024 * 1024,
  maxZipEntries: 10_000,
  maxInflatedBytes: 512 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxDepth: 3,
  maxFindings: 1000,
  maxItems: 1_000_000,
}

/** Largest single read a parser may ask for (they read headers and members, never whole weights). */
export const MAX_SINGLE_READ = 64 * 1024 * 1024

/** A file that cannot be understood within the limits: the parser's result is `unscannable`, never a throw upward. */
export class MalformedError extends Error {
  override readonly name = 'MalformedError'
  constructor(
    message: string,
    readonly code = 'malformed',
  ) {
    super(message)
  }
}

export class BudgetError extends MalformedError {
  constructor(message: string) {
    super(message, 'limit-exceeded')
  }
}

/** Counts every byte read through it and refuses past the budget; one meter is shared by all members of a file. */
export class BudgetedSource implements ByteSource {
  constructor(
    private readonly inner: ByteSource,
    readonly meter: { bytes: number; max: number },
  ) {}
  get size(): number {
    return this.inner.size
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const len = Math.max(0, Math.min(length, this.inner.size - offset))
    if (this.meter.bytes + len > this.meter.max) throw new BudgetError(`reading more than ${this.meter.max} bytes`)
    this.meter.bytes += len
    if (len === 0) return new Uint8Array(0)
    return this.inner.read(offset, len)
  }
}

export function bufferSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  }
}

/** A window over part of another source (a stored zip member, the pickle after a .npy header). */
export function sliceSource(inner: ByteSource, start: number, size: number): ByteSource {
  return {
    size,
    read: (offset, length) => inner.read(start + offset, Math.min(length, size - offset)),
  }
}

/** Reads exactly `length` bytes or fails as truncated. */
export async function readExact(src: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (offset < 0 || length < 0 || offset + length > src.size) throw new MalformedError(`truncated ${what}`, 'truncated')
  const bytes = await src.read(offset, length)
  if (bytes.length !== length) throw new MalformedError(`truncated ${what}`, 'truncated')
  return bytes
}

/**
 * Sequential reading over a source with a buffered window: the sync accessors work on what `need()` made available,
 * so a parser's inner loop does not await per byte. `skip()` moves past bytes without reading them.
 */
export class Cursor {
  private buf: Uint8Array = new Uint8Array(0)
  private bufStart = 0
  pos: number
  constructor(
    readonly src: ByteSource,
    start = 0,
    private readonly chunk = 1024 * 1024,
  ) {
    this.pos = start
  }
  get remaining(): number {
    return this.src.size - this.pos
  }
  /** Makes `n` bytes at the position available, or fails as truncated. */
  async need(n: number, what = 'data'): Promise<void> {
    if (n > this.remaining) throw new MalformedError(`truncated ${what}`, 'truncated')
    const off = this.pos - this.bufStart
    if (off >= 0 && off + n <= this.buf.length) return
    const want = Math.min(this.remaining, Math.max(n, this.chunk))
    const bytes = await this.src.read(this.pos, want)
    if (bytes.length < n) throw new MalformedError(`truncated ${what}`, 'truncated')
    this.buf = bytes
    this.bufStart = this.pos
  }
  /** How many bytes are buffered at the position without another read. */
  get buffered(): number {
    const off = this.pos - this.bufStart
    return off >= 0 && off <= this.buf.length ? this.buf.length - off : 0
  }
  u8(): number {
    const v = this.buf[this.pos - this.bufStart] as number
    this.pos += 1
    return v
  }
  bytes(n: number): Uint8Array {
    const off = this.pos - this.bufStart
    this.pos += n
    return this.buf.subarray(off, off + n)
  }
  /** Little-endian integers read in place (no view or subarray per call; `need()` first). */
  u16(): number {
    const b = this.buf
    const i = this.pos - this.bufStart
    this.pos += 2
    return (b[i] as number) | ((b[i + 1] as number) << 8)
  }
  u32(): number {
    return this.i32() >>> 0
  }
  i32(): number {
    const b = this.buf
    const i = this.pos - this.bufStart
    this.pos += 4
    return (b[i] as number) | ((b[i + 1] as number) << 8) | ((b[i + 2] as number) << 16) | ((b[i + 3] as number) << 24)
  }
  /** u64 as a number; values past 2^53 come back as Infinity (callers compare them with a bound). */
  u64(): number {
    const lo = this.u32()
    const hi = this.u32()
    return hi >= 0x200000 ? Number.POSITIVE_INFINITY : hi * 0x100000000 + lo
  }
  /**
   * `n` buffered bytes as a string if they are all ASCII (each decoder agrees on those), without a subarray or a
   * decoder call; undefined (and nothing consumed) otherwise. For short operands: names, keys.
   */
  ascii(n: number): string | undefined {
    const b = this.buf
    const start = this.pos - this.bufStart
    let s = ''
    for (let i = start; i < start + n; i++) {
      const ch = b[i] as number
      if (ch >= 0x80) return undefined
      s += String.fromCharCode(ch)
    }
    this.pos += n
    return s
  }
  view(n: number): DataView {
    const b = this.bytes(n)
    return new DataView(b.buffer, b.byteOffset, b.byteLength)
  }
  skip(n: number, what = 'data'): void {
    if (n > this.remaining) throw new MalformedError(`truncated ${what}`, 'truncated')
    this.pos += n
  }
  /** The byte at the position without consuming it (needs `need(1)` first). */
  peek(): number {
    return this.buf[this.pos - this.bufStart] as number
  }
  /** Bytes up to (not including) a newline, within `max`; consumes the newline. */
  async line(max: number, what: string): Promise<Uint8Array> {
    await this.need(Math.min(max + 1, this.remaining), what)
    const off = this.pos - this.bufStart
    const end = Math.min(this.buf.length, off + max + 1)
    for (let i = off; i < end; i++) {
      if (this.buf[i] === 0x0a) {
        const out = this.buf.subarray(off, i)
        this.pos += i - off + 1
        return out
      }
    }
    throw new MalformedError(`unterminated ${what}`, 'truncated')
  }
}

export const utf8 = new TextDecoder('utf-8', { fatal: true })
export const latin1 = new TextDecoder('latin1')

export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return utf8.decode(bytes)
  } catch {
    throw new MalformedError(`${what} is not UTF-8`)
  }
}

/** u64 little-endian as a number, refusing values past 2^53 (no file here is that big). */
export function u64(view: DataView, at: number, what: string): number {
  const v = view.getBigUint64(at, true)
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new MalformedError(`${what} is too large`)
  return Number(v)
}
