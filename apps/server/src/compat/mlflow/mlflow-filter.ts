// MLflow's search filter grammar (search_registered_models / search_model_versions): comparisons joined by AND
// only, parsed into clauses the repository turns into parameterised SQL. Anything else is a FilterError, which
// the routes answer with 400 INVALID_PARAMETER_VALUE.

export type FilterOp = '=' | '!=' | 'LIKE' | 'ILIKE' | 'IN' | '<' | '<=' | '>' | '>='

export type FilterClause =
  | { kind: 'attribute'; key: string; op: FilterOp; value: string | number | string[] }
  | { kind: 'tag'; key: string; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }

export class FilterError extends Error {}

/** What a search accepts: attributes and their operators; tags always take = != LIKE ILIKE. */
export interface FilterSpec {
  strings: readonly string[]
  /** Attributes compared as numbers (= != < <= > >=). */
  numbers?: readonly string[]
  /** String attributes that also take IN ('a', 'b'). */
  lists?: readonly string[]
}

export const modelFilterSpec: FilterSpec = { strings: ['name'] }
export const versionFilterSpec: FilterSpec = {
  strings: ['name', 'source_path', 'run_id'],
  numbers: ['version_number'],
  lists: ['run_id'],
}

type Token =
  | { t: 'ident'; v: string; quoted: boolean }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: '(' | ')' | ',' }

const MAX_FILTER = 10_000
const STRING_OPS = new Set(['=', '!=', 'LIKE', 'ILIKE'])
const NUMBER_OPS = new Set(['=', '!=', '<', '<=', '>', '>='])

/** Parses a filter; an empty or blank one is no clause at all. */
export function parseFilter(input: string | undefined, spec: FilterSpec): FilterClause[] {
  return parseClauses(input, (key, op, value) => clause(key, op, value, spec))
}

/** search_runs' clauses: the latest value of a metric, a param, a tag, or a run attribute. */
export type RunFilterClause =
  | { kind: 'metric'; key: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: number }
  | { kind: 'param' | 'tag'; key: string; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { kind: 'attribute'; key: RunStringAttribute; op: '=' | '!=' | 'LIKE' | 'ILIKE'; value: string }
  | { kind: 'attribute'; key: 'run_id'; op: 'IN'; value: string[] }
  | { kind: 'attribute'; key: RunNumberAttribute; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: number }

export const RUN_STRING_ATTRIBUTES = ['run_id', 'run_name', 'status', 'user_id', 'lifecycle_stage'] as const
export const RUN_NUMBER_ATTRIBUTES = ['start_time', 'end_time'] as const
type RunStringAttribute = (typeof RUN_STRING_ATTRIBUTES)[number]
type RunNumberAttribute = (typeof RUN_NUMBER_ATTRIBUTES)[number]

/** The filter of search_runs: metrics.k > 0.9 AND params.lr = '0.01' AND tags.t = 'x' AND attributes.status = '…'. */
export function parseRunFilter(input: string | undefined): RunFilterClause[] {
  return parseClauses(input, (key, op, value): RunFilterClause => {
    const { entity, name } = splitKey(key)
    if (entity === 'metric') {
      if (!NUMBER_OPS.has(op) || typeof value !== 'number') {
        throw new FilterError(`metrics compare with = != < <= > >= and a number (metric "${name}")`)
      }
      return { kind: 'metric', key: name, op: op as '=', value }
    }
    if (entity === 'param' || entity === 'tag') {
      if (!STRING_OPS.has(op) || typeof value !== 'string') {
        throw new FilterError(`${entity}s compare with =, !=, LIKE or ILIKE and a quoted value (${entity} "${name}")`)
      }
      return { kind: entity, key: name, op: op as '=', value }
    }
    const attribute = name === 'run_uuid' ? 'run_id' : name
    if ((RUN_NUMBER_ATTRIBUTES as readonly string[]).includes(attribute)) {
      if (!NUMBER_OPS.has(op) || typeof value !== 'number' || !Number.isInteger(value)) {
        throw new FilterError(`${attribute} compares with = != < <= > >= and an integer (ms since the epoch)`)
      }
      return { kind: 'attribute', key: attribute as RunNumberAttribute, op: op as '=', value }
    }
    if (!(RUN_STRING_ATTRIBUTES as readonly string[]).includes(attribute)) {
      const known = [...RUN_STRING_ATTRIBUTES, ...RUN_NUMBER_ATTRIBUTES].join(', ')
      throw new FilterError(`"${name}" cannot be searched; use metrics.<key>, params.<key>, tags.<key> or ${known}`)
    }
    if (op === 'IN') {
      if (attribute !== 'run_id' || !Array.isArray(value)) throw new FilterError('only run_id takes IN')
      return { kind: 'attribute', key: 'run_id', op: 'IN', value }
    }
    if (!STRING_OPS.has(op) || typeof value !== 'string') {
      throw new FilterError(`${attribute} compares with =, !=, LIKE or ILIKE and a quoted value`)
    }
    return { kind: 'attribute', key: attribute as RunStringAttribute, op: op as '=', value }
  })
}

/** Comparisons joined by AND, each built by `build`. */
function parseClauses<C>(
  input: string | undefined,
  build: (key: Extract<Token, { t: 'ident' }>, op: FilterOp, value: string | number | string[]) => C,
): C[] {
  if (input === undefined || input.trim() === '') return []
  if (input.length > MAX_FILTER) throw new FilterError(`filter is longer than ${MAX_FILTER} characters`)
  const tokens = tokenize(input)
  const clauses: C[] = []
  let i = 0
  const next = () => tokens[i++]
  for (;;) {
    const key = next()
    if (key?.t !== 'ident') throw new FilterError(`expected a key such as name or tags.<key> in filter "${input}"`)
    const opToken = next()
    if (opToken?.t !== 'op') throw new FilterError(`expected a comparison after "${key.v}" in filter "${input}"`)
    const op = opToken.v as FilterOp
    clauses.push(build(key, op, readValue(op, next, input)))
    const sep = next()
    if (sep === undefined) return clauses
    if (!(sep.t === 'ident' && !sep.quoted && sep.v.toUpperCase() === 'AND')) {
      throw new FilterError(`only AND may join comparisons in filter "${input}"`)
    }
  }
}

function readValue(op: FilterOp, next: () => Token | undefined, input: string): string | number | string[] {
  const first = next()
  if (op === 'IN') {
    if (first?.t !== 'punct' || first.v !== '(') throw new FilterError(`IN takes a list such as ('a', 'b')`)
    const items: string[] = []
    for (;;) {
      const item = next()
      if (item?.t !== 'string') throw new FilterError(`IN lists hold quoted strings in filter "${input}"`)
      items.push(item.v)
      const sep = next()
      if (sep?.t === 'punct' && sep.v === ')') return items
      if (sep?.t !== 'punct' || sep.v !== ',') throw new FilterError(`unterminated IN list in filter "${input}"`)
    }
  }
  if (first?.t === 'string' || first?.t === 'number') return first.v
  throw new FilterError(`expected a quoted value or a number in filter "${input}"`)
}

function clause(
  key: Extract<Token, { t: 'ident' }>,
  op: FilterOp,
  value: string | number | string[],
  spec: FilterSpec,
) {
  const { entity, name } = splitKey(key)
  if (entity === 'metric' || entity === 'param') {
    throw new FilterError(`"${key.v}" cannot be searched here; use tags.<key> or an attribute`)
  }
  if (entity === 'tag') {
    if (!STRING_OPS.has(op) || typeof value !== 'string') {
      throw new FilterError(`tags compare with =, !=, LIKE or ILIKE and a quoted value (tag "${name}")`)
    }
    return { kind: 'tag', key: name, op, value } as FilterClause
  }
  if (spec.numbers?.includes(name)) {
    const n = typeof value === 'number' ? value : Number(value)
    if (!NUMBER_OPS.has(op) || Array.isArray(value) || !Number.isInteger(n)) {
      throw new FilterError(`${name} compares with = != < <= > >= and an integer`)
    }
    return { kind: 'attribute', key: name, op, value: n } as FilterClause
  }
  if (!spec.strings.includes(name)) {
    const known = [...spec.strings, ...(spec.numbers ?? [])].join(', ')
    throw new FilterError(`"${name}" cannot be searched; use ${known} or tags.<key>`)
  }
  if (op === 'IN') {
    if (!spec.lists?.includes(name)) throw new FilterError(`only run_id takes IN`)
    return { kind: 'attribute', key: name, op, value } as FilterClause
  }
  if (!STRING_OPS.has(op) || typeof value !== 'string') {
    throw new FilterError(`${name} compares with =, !=, LIKE or ILIKE and a quoted value`)
  }
  return { kind: 'attribute', key: name, op, value } as FilterClause
}

const TAG_PREFIXES = new Set(['tag', 'tags'])
const ATTRIBUTE_PREFIXES = new Set(['attribute', 'attributes', 'attr', 'run'])
const METRIC_PREFIXES = new Set(['metric', 'metrics'])
const PARAM_PREFIXES = new Set(['param', 'params', 'parameter', 'parameters'])

function splitKey(key: Extract<Token, { t: 'ident' }>): {
  entity: 'tag' | 'attribute' | 'metric' | 'param'
  name: string
} {
  if (key.quoted) return { entity: 'attribute', name: key.v }
  const dot = key.v.indexOf('.')
  if (dot === -1) return { entity: 'attribute', name: key.v }
  const prefix = key.v.slice(0, dot).toLowerCase()
  const name = key.v.slice(dot + 1)
  if (name === '') throw new FilterError(`"${key.v}" names no key`)
  if (TAG_PREFIXES.has(prefix)) return { entity: 'tag', name: unquote(name) }
  if (ATTRIBUTE_PREFIXES.has(prefix)) return { entity: 'attribute', name: unquote(name) }
  if (METRIC_PREFIXES.has(prefix)) return { entity: 'metric', name: unquote(name) }
  if (PARAM_PREFIXES.has(prefix)) return { entity: 'param', name: unquote(name) }
  throw new FilterError(`"${prefix}." keys cannot be searched here; use tags.<key> or an attribute`)
}

/** tags.`my key` arrives as one identifier whose key part is backquoted. */
function unquote(name: string): string {
  return name.length >= 2 && name.startsWith('`') && name.endsWith('`') ? name.slice(1, -1) : name
}

function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i] as string
    if (/\s/.test(c)) {
      i++
    } else if (c === "'" || c === '"') {
      const end = input.indexOf(c, i + 1)
      if (end === -1) throw new FilterError(`unterminated string in filter "${input}"`)
      tokens.push({ t: 'string', v: input.slice(i + 1, end) })
      i = end + 1
    } else if (c === '`') {
      const end = input.indexOf('`', i + 1)
      if (end === -1) throw new FilterError(`unterminated backquote in filter "${input}"`)
      tokens.push({ t: 'ident', v: input.slice(i + 1, end), quoted: true })
      i = end + 1
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ t: 'punct', v: c })
      i++
    } else if (c === '!' || c === '<' || c === '>' || c === '=') {
      const two = input.slice(i, i + 2)
      const op = ['!=', '<=', '>=', '<>'].includes(two) ? two : c
      if (op === '!') throw new FilterError(`"!" alone is not an operator in filter "${input}"`)
      tokens.push({ t: 'op', v: op === '<>' ? '!=' : op })
      i += op.length
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(input.slice(i))
      if (!m) throw new FilterError(`unexpected "${c}" in filter "${input}"`)
      tokens.push({ t: 'number', v: Number(m[0]) })
      i += m[0].length
    } else if (/[A-Za-z_]/.test(c)) {
      // A key: letters, digits, "_" and ".", with backquoted parts (tags.`my key`).
      let j = i
      while (j < input.length) {
        const d = input[j] as string
        if (d === '`') {
          const end = input.indexOf('`', j + 1)
          if (end === -1) throw new FilterError(`unterminated backquote in filter "${input}"`)
          j = end + 1
        } else if (/[A-Za-z0-9_.]/.test(d)) j++
        else break
      }
      const word = input.slice(i, j)
      const upper = word.toUpperCase()
      if (upper === 'LIKE' || upper === 'ILIKE' || upper === 'IN') tokens.push({ t: 'op', v: upper })
      else if (upper === 'NOT' || upper === 'OR' || upper === 'IS') {
        throw new FilterError(`${upper} is not supported in filter "${input}"; join comparisons with AND`)
      } else tokens.push({ t: 'ident', v: word, quoted: false })
      i = j
    } else {
      throw new FilterError(`unexpected "${c}" in filter "${input}"`)
    }
  }
  return tokens
}
