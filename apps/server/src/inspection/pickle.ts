// A pickle opcode walker (protocols 0–5) that never builds objects: it models the stack and memo just far enough to
// name every global a pickle imports and every call it makes, then judges them with pickle-rules.ts.
import { classifyGlobal, normaliseGlobal } from './pickle-rules.js'
import type { Findings } from './result.js'
import { type ByteSource, bufferSource, Cursor, type InspectionLimits, latin1, MalformedError } from './source.js'

type Value =
  | { k: 'str'; s: string }
  | { k: 'global'; name: string }
  | { k: 'call'; of: string; args: string[] }
  | { k: 'bytes'; b?: Uint8Array }
  | { k: 'other' }
const OTHER: Value = { k: 'other' }
const MARK = Symbol('mark')
type Slot = Value | typeof MARK

export interface PickleScan {
  /** Every global imported, in order of first appearance. */
  globals: string[]
  /** Pickle streams walked (concatenated pickles count one each). */
  streams: number
}

export interface ScanContext {
  findings: Findings
  limits: InspectionLimits
  depth: number
  /** Where the findings came from, for a nested or zipped pickle ("archive/data.pkl"). */
  where?: string
}

export function looksLikePickle(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x80 && (head[1] as number) >= 2 && (head[1] as number) <= 5
}

/** Largest nested pickle (a bytes operand that is itself a pickle) read into memory and scanned. */
const MAX_NESTED = 16 * 1024 * 1024
const MAX_LINE = 1024 * 1024

/**
 * Walks the pickle(s) in `src` from `start`. A malformed or truncated first stream throws MalformedError (after its
 * findings so far are recorded: a dangerous import before the damage still counts); bytes after a complete stream
 * that are not another pickle end the walk.
 */
export async function scanPickle(src: ByteSource, ctx: ScanContext, start = 0): Promise<PickleScan> {
  const c = new Cursor(src, start, 256 * 1024)
  const seen = new Set<string>()
  const globals: string[] = []
  const where = ctx.where ? ` (in ${ctx.where})` : ''
  const noteGlobal = (module: string, name: string): Value => {
    const full = normaliseGlobal(module, name)
    if (!seen.has(full)) {
      if (seen.size >= ctx.limits.maxItems) throw new MalformedError('too many globals', 'limit-exceeded')
      seen.add(full)
      globals.push(full)
      const cls = classifyGlobal(module, name)
      if (cls === 'dangerous') ctx.findings.add('dangerous', 'dangerous-global', `imports ${full}${where}`)
      else if (cls === 'suspicious') ctx.findings.add('suspicious', 'unknown-global', `imports ${full}${where}`)
    }
    return { k: 'global', name: full }
  }
  let streams = 0
  while (c.remaining > 0) {
    if (streams > 0) {
      if (c.buffered < 2) await c.need(2)
      const b = c.bytes(2)
      c.pos -= 2
      if (!(b[0] === 0x80 && (b[1] as number) <= 5)) {
        ctx.findings.add('info', 'trailing-data', `${c.remaining} bytes after the last pickle${where}`)
        break
      }
    }
    try {
      await walkOne(c, ctx, noteGlobal, where)
    } catch (err) {
      if (streams === 0 || !(err instanceof MalformedError)) throw err
      ctx.findings.add('info', 'trailing-data', `bytes after pickle ${streams} are not a pickle${where}`)
      break
    }
    streams++
  }
  if (streams === 0) throw new MalformedError('empty pickle', 'truncated')
  return { globals, streams }
}

async function walkOne(
  c: Cursor,
  ctx: ScanContext,
  noteGlobal: (module: string, name: string) => Value,
  where: string,
): Promise<void> {
  const stack: Slot[] = []
  const memo = new Map<number, Value>()
  const max = ctx.limits.maxItems
  const push = (v: Value) => {
    if (stack.length >= max) throw new MalformedError('pickle stack exceeds the limit', 'limit-exceeded')
    stack.push(v)
  }
  const pop = (): Value => {
    const v = stack.pop()
    if (v === undefined || v === MARK) throw new MalformedError('pickle stack underflow')
    return v
  }
  /** Drops everything down to (and with) the last MARK: APPENDS and SETITEMS, whose items do not matter. */
  const dropMark = () => {
    const at = stack.lastIndexOf(MARK)
    if (at < 0) throw new MalformedError('pickle MARK missing')
    stack.length = at
  }
  const popMark = (): Value[] => {
    const at = stack.lastIndexOf(MARK)
    if (at < 0) throw new MalformedError('pickle MARK missing')
    const items = stack.splice(at) as Value[]
    items.shift()
    return items
  }
  const top = (): Value => {
    const v = stack[stack.length - 1]
    if (v === undefined || v === MARK) throw new MalformedError('pickle stack underflow')
    return v
  }
  const memoPut = (key: number) => {
    if (memo.size >= max && !memo.has(key)) throw new MalformedError('pickle memo exceeds the limit', 'limit-exceeded')
    memo.set(key, top())
  }
  const memoGet = (key: number) => {
    const v = memo.get(key)
    if (v === undefined) throw new MalformedError(`pickle memo key ${key} is unset`)
    push(v)
  }
  const len8 = (): number => {
    const v = c.u64()
    if (v > c.remaining) throw new MalformedError('pickle length runs past the end', 'truncated')
    return v
  }
  const text = async (what: string) => latin1.decode(await c.line(MAX_LINE, what))
  /**
   * Reads a string operand; long ones are skipped and stand for an unknown value. Short ASCII ones (most names
   * and keys) are read in place, without a decoder call or an await.
   */
  const str = (n: number, utf: boolean): Value | Promise<Value> => {
    if (n < 0 || n > c.remaining) throw new MalformedError('pickle string runs past the end', 'truncated')
    if (n > 64 * 1024) {
      c.skip(n)
      return OTHER
    }
    if (c.buffered < n) return c.need(n, 'pickle string').then(() => decoded(n, utf))
    return decoded(n, utf)
  }
  const decoded = (n: number, utf: boolean): Value => {
    const s = n <= 16 ? c.ascii(n) : undefined
    if (s !== undefined) return { k: 'str', s }
    const b = c.bytes(n)
    return { k: 'str', s: utf ? td.decode(b) : latin1.decode(b) }
  }
  const bytesOperand = async (n: number): Promise<Value> => {
    if (n < 0 || n > c.remaining) throw new MalformedError('pickle bytes run past the end', 'truncated')
    if (n >= 2 && n <= MAX_NESTED) {
      if (c.buffered < 2) await c.need(2, 'pickle bytes')
      const head = c.bytes(2)
      c.pos -= 2
      if (head[0] === 0x80 && (head[1] as number) >= 2 && (head[1] as number) <= 5) {
        if (c.buffered < n) await c.need(n, 'pickle bytes')
        const copy = c.bytes(n).slice()
        await scanNested(copy, ctx, where)
        return { k: 'bytes', b: copy }
      }
    }
    c.skip(n)
    return { k: 'bytes' }
  }
  const call = (callable: Value, args: Value[]) => {
    const strArgs = args.flatMap((a) => (a.k === 'str' ? [a.s] : []))
    if (callable.k === 'global') return { k: 'call', of: callable.name, args: strArgs } as Value
    if (callable.k === 'call') {
      // Calling what a call returned: getattr(x, "system")(…) reaches code no import names.
      const attr = callable.args.length > 0 ? ` "${callable.args[callable.args.length - 1]}"` : ''
      ctx.findings.add('dangerous', 'call-of-call-result', `calls the result of ${callable.of}${attr}${where}`)
      return { k: 'call', of: `${callable.of}(…)`, args: strArgs } as Value
    }
    if (callable.k !== 'other') throw new MalformedError('pickle calls something that is not callable')
    return OTHER
  }
  const unq = (s: string) => {
    const t = s.trim()
    return (t.startsWith("'") && t.endsWith("'")) || (t.startsWith('"') && t.endsWith('"')) ? t.slice(1, -1) : t
  }
  const td = new TextDecoder('utf-8')
  for (;;) {
    if (c.buffered < 1) await c.need(1, 'pickle opcode')
    const op = c.u8()
    switch (op) {
      case 0x80: // PROTO
        if (c.buffered < 1) await c.need(1, 'PROTO')
        if (c.u8() > 5) throw new MalformedError('pickle protocol above 5')
        break
      case 0x95: // FRAME
        if (c.buffered < 8) await c.need(8, 'FRAME')
        c.skip(8)
        break
      case 0x2e: // STOP
        if (stack.length !== 1) throw new MalformedError('pickle STOP with a stack not of one item')
        return
      case 0x28: // MARK
        if (stack.length >= max) throw new MalformedError('pickle stack exceeds the limit', 'limit-exceeded')
        stack.push(MARK)
        break
      case 0x30: // POP
        if (stack.pop() === undefined) throw new MalformedError('pickle stack underflow')
        break
      case 0x31: // POP_MARK
        dropMark()
        break
      case 0x32: // DUP
        push(top())
        break
      case 0x46: // FLOAT
      case 0x49: // INT
      case 0x4c: // LONG
        await text('number')
        push(OTHER)
        break
      case 0x4a: // BININT
        if (c.buffered < 4) await c.need(4)
        c.skip(4)
        push(OTHER)
        break
      case 0x4b: // BININT1
        if (c.buffered < 1) await c.need(1)
        c.skip(1)
        push(OTHER)
        break
      case 0x4d: // BININT2
        if (c.buffered < 2) await c.need(2)
        c.skip(2)
        push(OTHER)
        break
      case 0x47: // BINFLOAT
        if (c.buffered < 8) await c.need(8)
        c.skip(8)
        push(OTHER)
        break
      case 0x8a: // LONG1
        if (c.buffered < 1) await c.need(1)
        c.skip(c.u8(), 'LONG1')
        push(OTHER)
        break
      case 0x8b: {
        // LONG4
        if (c.buffered < 4) await c.need(4)
        const n = c.i32()
        if (n < 0) throw new MalformedError('negative LONG4 length')
        c.skip(n, 'LONG4')
        push(OTHER)
        break
      }
      case 0x4e: // NONE
      case 0x88: // NEWTRUE
      case 0x89: // NEWFALSE
      case 0x7d: // EMPTY_DICT
      case 0x5d: // EMPTY_LIST
      case 0x29: // EMPTY_TUPLE
      case 0x8f: // EMPTY_SET
      case 0x97: // NEXT_BUFFER
        push(OTHER)
        break
      case 0x98: // READONLY_BUFFER
        top()
        break
      case 0x50: // PERSID
        await text('PERSID')
        push(OTHER)
        break
      case 0x51: // BINPERSID
        pop()
        push(OTHER)
        break
      case 0x53: // STRING
        push({ k: 'str', s: unq(await text('STRING')) })
        break
      case 0x56: // UNICODE
        push({ k: 'str', s: await text('UNICODE') })
        break
      case 0x54: // BINSTRING
        if (c.buffered < 4) await c.need(4)
        {
          const v = str(c.i32(), false)
          push(v instanceof Promise ? await v : v)
        }
        break
      case 0x55: // SHORT_BINSTRING
        if (c.buffered < 1) await c.need(1)
        {
          const v = str(c.u8(), false)
          push(v instanceof Promise ? await v : v)
        }
        break
      case 0x58: // BINUNICODE
        if (c.buffered < 4) await c.need(4)
        {
          const v = str(c.u32(), true)
          push(v instanceof Promise ? await v : v)
        }
        break
      case 0x8c: // SHORT_BINUNICODE
        if (c.buffered < 1) await c.need(1)
        {
          const v = str(c.u8(), true)
          push(v instanceof Promise ? await v : v)
        }
        break
      case 0x8d: // BINUNICODE8
        if (c.buffered < 8) await c.need(8)
        {
          const v = str(len8(), true)
          push(v instanceof Promise ? await v : v)
        }
        break
      case 0x42: // BINBYTES
        if (c.buffered < 4) await c.need(4)
        push(await bytesOperand(c.u32()))
        break
      case 0x43: // SHORT_BINBYTES
        if (c.buffered < 1) await c.need(1)
        push(await bytesOperand(c.u8()))
        break
      case 0x8e: // BINBYTES8
      case 0x96: // BYTEARRAY8
        if (c.buffered < 8) await c.need(8)
        push(await bytesOperand(len8()))
        break
      case 0x61: // APPEND
        pop()
        top()
        break
      case 0x65: // APPENDS
      case 0x75: // SETITEMS
      case 0x90: // ADDITEMS
        dropMark()
        top()
        break
      case 0x73: // SETITEM
        pop()
        pop()
        top()
        break
      case 0x62: // BUILD
        pop()
        top()
        break
      case 0x64: // DICT
      case 0x6c: // LIST
      case 0x91: // FROZENSET
        popMark()
        push(OTHER)
        break
      case 0x74: {
        // TUPLE: keeps string items so a REDUCE sees its arguments.
        const items = popMark()
        push(items.length === 1 ? (items[0] as Value) : tupleOf(items))
        break
      }
      case 0x85: // TUPLE1
        push(tupleOf([pop()]))
        break
      case 0x86: {
        // TUPLE2
        const b = pop()
        push(tupleOf([pop(), b]))
        break
      }
      case 0x87: {
        // TUPLE3
        const c3 = pop()
        const b = pop()
        push(tupleOf([pop(), b, c3]))
        break
      }
      case 0x63: {
        // GLOBAL
        const module = await text('GLOBAL module')
        const name = await text('GLOBAL name')
        push(noteGlobal(module.trim(), name.trim()))
        break
      }
      case 0x93: {
        // STACK_GLOBAL
        const name = pop()
        const module = pop()
        if (module.k !== 'str' || name.k !== 'str') {
          ctx.findings.add('dangerous', 'unresolved-global', `STACK_GLOBAL with operands that are not strings${where}`)
          push({ k: 'global', name: 'unknown.unknown' })
        } else push(noteGlobal(module.s, name.s))
        break
      }
      case 0x69: {
        // INST: module and name inline, arguments from the mark
        const module = await text('INST module')
        const name = await text('INST name')
        const g = noteGlobal(module.trim(), name.trim())
        push(call(g, popMark()))
        break
      }
      case 0x6f: {
        // OBJ: class and arguments from the mark
        const items = popMark()
        const cls = items.shift()
        if (cls === undefined) throw new MalformedError('OBJ without a class')
        push(call(cls, items))
        break
      }
      case 0x52: {
        // REDUCE
        const args = pop()
        push(call(pop(), untuple(args)))
        break
      }
      case 0x81: {
        // NEWOBJ
        const args = pop()
        push(call(pop(), untuple(args)))
        break
      }
      case 0x92: {
        // NEWOBJ_EX
        pop()
        const args = pop()
        push(call(pop(), untuple(args)))
        break
      }
      case 0x67: // GET
        memoGet(Number.parseInt(await text('GET'), 10))
        break
      case 0x68: // BINGET
        if (c.buffered < 1) await c.need(1)
        memoGet(c.u8())
        break
      case 0x6a: // LONG_BINGET
        if (c.buffered < 4) await c.need(4)
        memoGet(c.u32())
        break
      case 0x70: // PUT
        memoPut(Number.parseInt(await text('PUT'), 10))
        break
      case 0x71: // BINPUT
        if (c.buffered < 1) await c.need(1)
        memoPut(c.u8())
        break
      case 0x72: // LONG_BINPUT
        if (c.buffered < 4) await c.need(4)
        memoPut(c.u32())
        break
      case 0x94: // MEMOIZE
        memoPut(memo.size)
        break
      case 0x82: // EXT1
      case 0x83: // EXT2
      case 0x84: {
        // EXT4: a global from copyreg's extension registry, which the file does not name.
        const n = op === 0x82 ? 1 : op === 0x83 ? 2 : 4
        await c.need(n)
        c.skip(n)
        ctx.findings.add(
          'suspicious',
          'extension-global',
          `imports a global through the copyreg extension registry${where}`,
        )
        push({ k: 'global', name: 'copyreg.extension' })
        break
      }
      default:
        throw new MalformedError(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${c.pos - 1}`)
    }
  }
}

const tuples = new WeakMap<Value, Value[]>()
function tupleOf(items: Value[]): Value {
  const t: Value = { k: 'other' }
  tuples.set(t, items)
  return t
}
function untuple(v: Value): Value[] {
  return tuples.get(v) ?? [v]
}

async function scanNested(bytes: Uint8Array, ctx: ScanContext, where: string): Promise<void> {
  if (ctx.depth + 1 > ctx.limits.maxDepth) {
    ctx.findings.add(
      'unscannable',
      'nesting-limit',
      `a pickle nested deeper than ${ctx.limits.maxDepth} levels${where}`,
    )
    return
  }
  const inner: ScanContext = { ...ctx, depth: ctx.depth + 1, where: `nested pickle${where ? ` ${where.trim()}` : ''}` }
  try {
    await scanPickle(bufferSource(bytes), inner)
  } catch (err) {
    if (!(err instanceof MalformedError)) throw err
    // Bytes that start like a pickle but are not one are data; a nested pickle is only judged by what it imports.
  }
}
