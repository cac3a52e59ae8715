// Keras v3 `.keras` (a zip of config.json, metadata.json and weights) and Hugging Face config.json: JSON walked
// iteratively (never recursively: a hostile config can nest deeply) for the constructs that load code.
import type { FileSummary, Findings } from './result.js'
import { isPlainObject, parseJsonObject } from './safetensors.js'
import { type ByteSource, decodeUtf8, type InspectionLimits, MalformedError, readExact } from './source.js'
import type { ZipReader } from './zip.js'

const unsafeFunctionNames = new Set([
  'enable_unsafe_deserialization',
  'load_model',
  'set_global_attribute',
  'exec',
  'eval',
])
const kerasModule = /^(keras|tf_keras|tensorflow\.keras)(\.|$)/

export async function readJson(
  src: ByteSource,
  limits: InspectionLimits,
  what: string,
): Promise<Record<string, unknown>> {
  if (src.size > limits.maxJsonBytes) throw new MalformedError(`${what} is over the JSON limit`, 'limit-exceeded')
  return parseJsonObject(decodeUtf8(await readExact(src, 0, src.size, what), what), what)
}

export async function inspectKeras(zip: ZipReader, limits: InspectionLimits, findings: Findings): Promise<FileSummary> {
  const configEntry = zip.entries.find((e) => e.name === 'config.json')
  if (!configEntry) throw new MalformedError('.keras archive has no config.json')
  const config = await readJson(await zip.open(configEntry), limits, 'config.json')
  const metaEntry = zip.entries.find((e) => e.name === 'metadata.json')
  const meta: Record<string, unknown> = metaEntry
    ? await readJson(await zip.open(metaEntry), limits, 'metadata.json').catch(() => ({}))
    : {}
  const layers = new Map<string, number>()
  // Iterative walk over every object of the config, nested models included.
  const pending: unknown[] = [config]
  let visited = 0
  while (pending.length > 0) {
    const node = pending.pop()
    if (++visited > limits.maxItems) throw new MalformedError('Keras config is larger than the limit', 'limit-exceeded')
    if (Array.isArray(node)) {
      pending.push(...node)
      continue
    }
    if (!isPlainObject(node)) continue
    const cls = typeof node.class_name === 'string' ? node.class_name : undefined
    const module = typeof node.module === 'string' ? node.module : undefined
    const inner = isPlainObject(node.config) ? node.config : undefined
    if (cls === '__lambda__') findings.add('dangerous', 'lambda-bytecode', 'a Lambda layer carries Python bytecode')
    if (cls === 'Lambda') {
      layers.set(cls, (layers.get(cls) ?? 0) + 1)
      const name = typeof inner?.name === 'string' ? inner.name : 'Lambda'
      findings.add('suspicious', 'lambda-layer', `layer "${name}" is a Lambda layer: loading it runs Python code`)
    } else if (cls && inner && typeof inner.name === 'string' && module?.startsWith('keras.layers')) {
      layers.set(cls, (layers.get(cls) ?? 0) + 1)
    }
    for (const [k, v] of Object.entries(node)) {
      if (k.endsWith('_type') && v === 'lambda') {
        findings.add('dangerous', 'lambda-bytecode', `"${k}" is a serialized Python lambda`)
      }
    }
    if (cls === 'function' || (typeof node.registered_name === 'string' && module !== undefined)) {
      const fn = typeof node.config === 'string' ? node.config : String(node.registered_name ?? '')
      if (unsafeFunctionNames.has(fn) || unsafeFunctionNames.has(fn.split('>').pop() ?? '')) {
        findings.add('dangerous', 'unsafe-function', `config calls ${module ?? '?'}.${fn}`)
      } else if (cls === 'function' && module !== undefined && !kerasModule.test(module)) {
        findings.add('dangerous', 'foreign-function', `config refers to function ${module}.${fn}`)
      }
    }
    if (module !== undefined && !kerasModule.test(module) && cls !== 'function') {
      findings.add('suspicious', 'custom-object', `custom object ${module}.${cls ?? '?'}`)
    }
    for (const v of Object.values(node)) if (typeof v === 'object' && v !== null) pending.push(v)
  }
  return {
    ...(typeof meta.keras_version === 'string' && { kerasVersion: meta.keras_version }),
    ...(typeof config.class_name === 'string' && { architecture: config.class_name }),
    layers: Object.fromEntries(layers),
    weights: zip.entries.filter((e) => e.name.startsWith('model.weights')).map((e) => e.name),
  }
}

/** Hugging Face config.json: what the model is; `auto_map` means loading it asks for remote code. */
export async function inspectHfConfig(
  src: ByteSource,
  limits: InspectionLimits,
  findings: Findings,
): Promise<FileSummary> {
  const json = await readJson(src, limits, 'config.json')
  const architectures = Array.isArray(json.architectures) ? json.architectures.filter((a) => typeof a === 'string') : []
  if (isPlainObject(json.auto_map)) {
    findings.add(
      'suspicious',
      'remote-code',
      "auto_map asks loaders to run the repository's own Python code (trust_remote_code)",
    )
  }
  return {
    ...(architectures.length > 0 && { architecture: architectures[0], architectures }),
    ...(typeof json.model_type === 'string' && { modelType: json.model_type }),
    ...(typeof json.torch_dtype === 'string' && { dtypes: [json.torch_dtype] }),
    ...(isPlainObject(json.quantization_config) &&
      typeof json.quantization_config.quant_method === 'string' && {
        quantization: json.quantization_config.quant_method,
      }),
  }
}
