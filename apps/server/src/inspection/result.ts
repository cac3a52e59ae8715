// What an inspection says about one file and how files roll up into a version's verdict. Shared by the parsers,
// the worker and the service; the API's shapes are in @modelreg/contract.

export type Verdict = 'dangerous' | 'suspicious' | 'unscannable' | 'safe' | 'none'

/** Worst first: a version's verdict is its worst file's. */
export const verdictOrder: readonly Verdict[] = ['dangerous', 'suspicious', 'unscannable', 'safe', 'none']

export function worstVerdict(verdicts: Iterable<Verdict>): Verdict {
  let best = verdictOrder.length - 1
  for (const v of verdicts) best = Math.min(best, verdictOrder.indexOf(v))
  return verdictOrder[best] as Verdict
}

export type FileFormat =
  | 'safetensors'
  | 'safetensors-index'
  | 'gguf'
  | 'onnx'
  | 'pytorch'
  | 'pickle'
  | 'numpy'
  | 'keras'
  | 'hf-config'
  | 'unknown'

/** One named fact about a file's safety; `level` decides the verdict and is not part of the API's finding. */
export interface Finding {
  code: string
  detail: string
  level: Exclude<Verdict, 'none'> | 'info'
}

export interface TensorIO {
  name: string
  dtype?: string
  shape?: (number | string)[]
}

export interface FileSummary {
  parameters?: number
  dtypes?: string[]
  inputs?: TensorIO[]
  outputs?: TensorIO[]
  tensors?: number
  architecture?: string
  [key: string]: unknown
}

export interface FileInspection {
  format: FileFormat
  summary: FileSummary
  findings: Finding[]
}

export function fileVerdict(i: FileInspection): Verdict {
  if (i.format === 'unknown' && i.findings.length === 0) return 'none'
  const levels = i.findings.map((f) => (f.level === 'info' ? 'safe' : f.level))
  return worstVerdict(['safe', ...levels])
}

/** Collects findings under the per-file cap, deduplicating identical ones. */
export class Findings {
  readonly list: Finding[] = []
  private readonly seen = new Set<string>()
  dropped = 0
  constructor(private readonly max: number) {}
  add(level: Finding['level'], code: string, detail: string): void {
    const key = `${level}\0${code}\0${detail}`
    if (this.seen.has(key)) return
    this.seen.add(key)
    if (this.list.length >= this.max) {
      this.dropped++
      return
    }
    this.list.push({ level, code, detail })
  }
}
