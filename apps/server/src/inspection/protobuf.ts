// A protobuf wire-format walker over a Cursor: tags, varints and lengths only. Length-delimited fields are either
// descended into (with their end as a bound) or skipped without being read, so a message's large byte fields (ONNX
// weights) cost nothing.
import { type Cursor, MalformedError } from './source.js'

export interface Field {
  field: number
  wire: number
  /** Varint / fixed value (wire 0, 1, 5), as a number (precision is irrelevant for what is read here). */
  value: number
  /** Length of a wire-2 field; its bytes start at the cursor's position when the callback runs. */
  length: number
}

export async function varint(c: Cursor): Promise<number> {
  await c.need(Math.min(10, c.remaining), 'varint')
  let result = 0
  let mul = 1
  for (let i = 0; i < 10; i++) {
    if (c.buffered === 0) throw new MalformedError('truncated varint', 'truncated')
    const b = c.u8()
    result += (b & 0x7f) * mul
    if ((b & 0x80) === 0) return result
    mul *= 128
  }
  throw new MalformedError('varint is longer than 10 bytes')
}

/**
 * Calls `onField` for each field between the cursor and `end`. For a wire-2 field, whatever the callback does not
 * consume is skipped; a callback may consume only within the field.
 */
export async function walkMessage(c: Cursor, end: number, onField: (f: Field) => Promise<void> | void): Promise<void> {
  if (end > c.src.size) throw new MalformedError('message runs past the end of the file', 'truncated')
  while (c.pos < end) {
    const tag = await varint(c)
    const field = Math.floor(tag / 8)
    const wire = tag & 7
    if (field === 0) throw new MalformedError('protobuf field number 0')
    let value = 0
    let length = 0
    if (wire === 0) value = await varint(c)
    else if (wire === 1) {
      await c.need(8, 'fixed64')
      value = Number(c.view(8).getBigUint64(0, true))
    } else if (wire === 5) {
      await c.need(4, 'fixed32')
      value = c.view(4).getUint32(0, true)
    } else if (wire === 2) {
      length = await varint(c)
      const fieldEnd = c.pos + length
      if (fieldEnd > end) throw new MalformedError('protobuf field runs past its message', 'truncated')
      await onField({ field, wire, value, length })
      if (c.pos > fieldEnd) throw new MalformedError('protobuf field overran')
      c.pos = fieldEnd
      continue
    } else throw new MalformedError(`protobuf wire type ${wire} is not supported`)
    if (c.pos > end) throw new MalformedError('protobuf field runs past its message', 'truncated')
    await onField({ field, wire, value, length })
  }
  if (c.pos !== end) throw new MalformedError('protobuf message overran its length')
}

export async function readString(c: Cursor, length: number, max = 64 * 1024): Promise<string> {
  if (length > max) {
    c.skip(length)
    return '(too long)'
  }
  await c.need(length, 'string')
  return new TextDecoder().decode(c.bytes(length))
}

/** Packed or single varints (repeated int64 `dims`). */
export async function readVarints(c: Cursor, f: Field, into: number[]): Promise<void> {
  if (f.wire === 0) {
    into.push(f.value)
    return
  }
  const end = c.pos + f.length
  while (c.pos < end) into.push(await varint(c))
}
