// Reads MLflow request fields: a JSON body for POST/PATCH/DELETE, the query string for GET (and for DELETE from
// clients that send it there). Unknown fields are ignored, as MLflow's own server ignores them; a field of the
// wrong type is INVALID_PARAMETER_VALUE.
import type { FastifyRequest } from 'fastify'
import { MlflowError } from './mlflow-mapping.js'

type Source = Record<string, unknown>

export class Fields {
  private readonly source: Source
  private readonly fromQuery: boolean

  constructor(req: FastifyRequest) {
    const body = req.body
    const hasBody = body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body)
    if (body !== undefined && body !== null && !hasBody) {
      throw new MlflowError('BAD_REQUEST', 'the request body must be a JSON object')
    }
    this.fromQuery = !hasBody || Object.keys(body as Source).length === 0
    this.source = this.fromQuery ? ((req.query ?? {}) as Source) : (body as Source)
  }

  private raw(name: string): unknown {
    const value = this.source[name]
    // Query strings repeat a key for lists; a scalar field takes its first value.
    return this.fromQuery && Array.isArray(value) ? value[0] : value
  }

  optionalString(name: string): string | undefined {
    const v = this.raw(name)
    if (v === undefined || v === null) return undefined
    if (typeof v !== 'string') throw invalid(`${name} must be a string`)
    return v
  }

  string(name: string): string {
    const v = this.optionalString(name)
    if (v === undefined || v === '') throw missing(name)
    return v
  }

  optionalInt(name: string, bounds: { min: number; max: number }): number | undefined {
    const v = this.raw(name)
    if (v === undefined || v === null || v === '') return undefined
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?[0-9]{1,18}$/.test(v) ? Number(v) : Number.NaN
    if (!Number.isSafeInteger(n)) throw invalid(`${name} must be an integer`)
    if (n < bounds.min || n > bounds.max)
      throw invalid(`${name} must be between ${bounds.min} and ${bounds.max}, got ${n}`)
    return n
  }

  optionalNumber(name: string): number | undefined {
    const v = this.raw(name)
    if (v === undefined || v === null) return undefined
    if (typeof v === 'number') return v
    if (typeof v === 'string' && ['NaN', 'Infinity', '-Infinity'].includes(v)) return Number(v)
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v)
    throw invalid(`${name} must be a number`)
  }

  bool(name: string): boolean {
    const v = this.raw(name)
    if (v === undefined || v === null) return false
    if (typeof v === 'boolean') return v
    if (v === 'true' || v === 'false') return v === 'true'
    throw invalid(`${name} must be true or false`)
  }

  /** A repeated field: a JSON array, repeated query keys, or a single value. */
  strings(name: string): string[] {
    const v = this.source[name] ?? this.source[`${name}[]`]
    if (v === undefined || v === null) return []
    const list = Array.isArray(v) ? v : [v]
    if (!list.every((x): x is string => typeof x === 'string')) throw invalid(`${name} must be a list of strings`)
    return list
  }

  /** [{key, value}] lists (tags, params). */
  keyValues(name: string): { key: string; value: string }[] {
    const v = this.source[name]
    if (v === undefined || v === null) return []
    if (!Array.isArray(v)) throw invalid(`${name} must be a list of {key, value}`)
    return v.map((item) => {
      const o = item as Record<string, unknown> | null
      if (o === null || typeof o !== 'object' || typeof o.key !== 'string' || o.key === '') {
        throw invalid(`each of ${name} needs a string key`)
      }
      const value = o.value === undefined || o.value === null ? '' : o.value
      if (typeof value !== 'string') throw invalid(`the value of ${name} "${o.key}" must be a string`)
      return { key: o.key, value }
    })
  }

  /** The raw list under `name` (metrics of log-batch), or []. */
  list(name: string): unknown[] {
    const v = this.source[name]
    if (v === undefined || v === null) return []
    if (!Array.isArray(v)) throw invalid(`${name} must be a list`)
    return v
  }
}

export const invalid = (message: string) => new MlflowError('INVALID_PARAMETER_VALUE', message)
const missing = (name: string) =>
  new MlflowError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${name}'.`)

/** Offset page tokens as MLflow's own stores emit them: base64 of {"offset": N}. */
export function decodePageToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }
    if (typeof parsed.offset === 'number' && Number.isSafeInteger(parsed.offset) && parsed.offset >= 0)
      return parsed.offset
  } catch {
    // falls through to the error below
  }
  throw invalid(`Invalid page token, could not base64-decode or parse it: "${token.slice(0, 100)}"`)
}

export const encodePageToken = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64')

/** order_by entries "<key> [ASC|DESC]"; keys outside `allowed` are INVALID_PARAMETER_VALUE. */
export function parseOrderBy(entries: string[], allowed: readonly string[]): { key: string; desc: boolean }[] {
  return entries.map((entry) => {
    const m = /^\s*`?([A-Za-z_.]+)`?\s*(ASC|DESC)?\s*$/i.exec(entry)
    const key = m?.[1]?.replace(/^attributes?\./, '')
    if (!m || key === undefined || !allowed.includes(key)) {
      throw invalid(`Invalid order_by clause "${entry}"; use one of ${allowed.join(', ')} with ASC or DESC`)
    }
    return { key, desc: m[2]?.toUpperCase() === 'DESC' }
  })
}
