// ONNX: a protobuf ModelProto (onnx.proto). Walked field by field; weights (TensorProto raw_data) are skipped by
// length, so a model's facts cost a few kilobytes of reads whatever its size.
import { readString, readVarints, walkMessage } from './protobuf.js'
import type { FileSummary, Findings, TensorIO } from './result.js'
import { type ByteSource, Cursor, type InspectionLimits, MalformedError } from './source.js'

export const onnxDataTypes: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  17: 'float8e4m3fn',
  18: 'float8e4m3fnuz',
  19: 'float8e5m2',
  20: 'float8e5m2fnuz',
  21: 'uint4',
  22: 'int4',
  23: 'float4e2m1',
}
const standardDomains = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'com.microsoft'])

export async function inspectOnnx(src: ByteSource, limits: InspectionLimits, findings: Findings): Promise<FileSummary> {
  if (src.size === 0) throw new MalformedError('empty file')
  const c = new Cursor(src, 0, 16 * 1024)
  let irVersion: number | undefined
  let producer = ''
  let producerVersion = ''
  let sawGraph = false
  const opsets: Record<string, number> = {}
  const ops = new Map<string, number>()
  const inputs: TensorIO[] = []
  const outputs: TensorIO[] = []
  const initializerNames = new Set<string>()
  const dtypes = new Set<string>()
  let parameters = 0
  let items = 0
  const count = () => {
    if (++items > limits.maxItems)
      throw new MalformedError('ONNX graph has more items than the limit', 'limit-exceeded')
  }
  const valueInfo = async (end: number): Promise<TensorIO> => {
    const io: TensorIO = { name: '' }
    await walkMessage(c, end, async (f) => {
      if (f.field === 1 && f.wire === 2) io.name = await readString(c, f.length)
      else if (f.field === 2 && f.wire === 2) {
        // TypeProto: tensor_type = 1 { elem_type = 1, shape = 2 { dim = 1 { dim_value = 1 | dim_param = 2 } } }
        await walkMessage(c, c.pos + f.length, async (t) => {
          if (t.field !== 1 || t.wire !== 2) return
          await walkMessage(c, c.pos + t.length, async (tt) => {
            if (tt.field === 1 && tt.wire === 0) io.dtype = onnxDataTypes[tt.value] ?? `type-${tt.value}`
            else if (tt.field === 2 && tt.wire === 2) {
              io.shape = []
              await walkMessage(c, c.pos + tt.length, async (s) => {
                if (s.field !== 1 || s.wire !== 2) return
                let dim: number | string = '?'
                await walkMessage(c, c.pos + s.length, async (d) => {
                  if (d.field === 1 && d.wire === 0) dim = d.value
                  else if (d.field === 2 && d.wire === 2) dim = await readString(c, d.length, 256)
                })
                io.shape?.push(dim)
              })
            }
          })
        })
      }
    })
    return io
  }
  const tensor = async (end: number): Promise<void> => {
    const dims: number[] = []
    let dataType = 0
    let name = ''
    await walkMessage(c, end, async (f) => {
      if (f.field === 1) await readVarints(c, f, dims)
      else if (f.field === 2 && f.wire === 0) dataType = f.value
      else if (f.field === 8 && f.wire === 2) name = await readString(c, f.length)
      else if (f.field === 13 && f.wire === 2) {
        let key = ''
        let value = ''
        await walkMessage(c, c.pos + f.length, async (e) => {
          if (e.field === 1 && e.wire === 2) key = await readString(c, e.length)
          else if (e.field === 2 && e.wire === 2) value = await readString(c, e.length)
        })
        if (key === 'location') {
          if (value.startsWith('/') || value.includes('..') || /^[a-zA-Z]:/.test(value) || value.startsWith('\\')) {
            findings.add(
              'dangerous',
              'external-data-path',
              `initializer "${name}" points at "${value}" outside the model`,
            )
          } else findings.add('info', 'external-data', `initializer "${name}" is stored in "${value}"`)
        }
      }
    })
    initializerNames.add(name)
    if (dims.length > 0) parameters += dims.reduce((a, b) => a * b, 1)
    if (dataType) dtypes.add(onnxDataTypes[dataType] ?? `type-${dataType}`)
  }
  await walkMessage(c, src.size, async (f) => {
    if (f.field === 1 && f.wire === 0) irVersion = f.value
    else if (f.field === 2 && f.wire === 2) producer = await readString(c, f.length)
    else if (f.field === 3 && f.wire === 2) producerVersion = await readString(c, f.length)
    else if (f.field === 8 && f.wire === 2) {
      let domain = ''
      let version = 0
      await walkMessage(c, c.pos + f.length, async (o) => {
        if (o.field === 1 && o.wire === 2) domain = await readString(c, o.length)
        else if (o.field === 2 && o.wire === 0) version = o.value
      })
      opsets[domain === '' ? 'ai.onnx' : domain] = version
    } else if (f.field === 7 && f.wire === 2) {
      sawGraph = true
      await walkMessage(c, c.pos + f.length, async (g) => {
        if (g.wire !== 2) return
        const end = c.pos + g.length
        count()
        if (g.field === 1) {
          let op = ''
          let domain = ''
          await walkMessage(c, end, async (n) => {
            if (n.field === 4 && n.wire === 2) op = await readString(c, n.length)
            else if (n.field === 7 && n.wire === 2) domain = await readString(c, n.length)
          })
          const key = domain === '' || domain === 'ai.onnx' ? op : `${domain}.${op}`
          ops.set(key, (ops.get(key) ?? 0) + 1)
          if (!standardDomains.has(domain)) {
            findings.add(
              'suspicious',
              'custom-op-domain',
              `operator ${op} from domain "${domain}" needs a native library`,
            )
          }
        } else if (g.field === 5) await tensor(end)
        else if (g.field === 11) inputs.push(await valueInfo(end))
        else if (g.field === 12) outputs.push(await valueInfo(end))
      })
    }
  })
  if (irVersion === undefined || !sawGraph) throw new MalformedError('not an ONNX model (no ir_version or graph)')
  return {
    parameters,
    dtypes: [...dtypes].sort(),
    inputs: inputs.filter((i) => !initializerNames.has(i.name)),
    outputs,
    irVersion,
    ...(producer && { producer: producerVersion ? `${producer} ${producerVersion}` : producer }),
    opsets,
    operators: Object.fromEntries([...ops.entries()].sort((a, b) => b[1] - a[1])),
  }
}
