// What changed from one version of a model to another: fields, metrics, files (by sha256) and what inspection
// found in them. Both versions are resolved by reference under the caller's read access.

import type { InspectionService } from './inspection.service.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

type Change = { from: unknown; to: unknown }
type NumberChange = { from: number | null; to: number | null; delta: number | null }

const compared = [
  'description',
  'status',
  'stage',
  'tags',
  'author',
  'license',
  'licenseOther',
  'source',
  'baseModel',
] as const
const inspectedFacts = ['format', 'parameters', 'dtypes', 'inputs', 'outputs', 'verdict'] as const

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)
const numberChange = (from: number | null | undefined, to: number | null | undefined): NumberChange => ({
  from: from ?? null,
  to: to ?? null,
  delta: typeof from === 'number' && typeof to === 'number' ? to - from : null,
})

/** The repositories this module uses (its named dependencies). */
type Uses = 'artifacts' | ResolverUses

export class CompareService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly inspections: InspectionService,
  ) {}

  async compare(actor: Actor, org: string, name: string, fromRef: string, toRef: string) {
    const repos = this.deps.store.pool
    const from = await resolveVersion(repos, actor, 'read', org, name, fromRef)
    const to = await resolveVersion(repos, actor, 'read', org, name, toRef)
    const [a, b] = [from.version, to.version]
    const metadata: Record<string, Change> = {}
    for (const field of compared) if (!same(a[field], b[field])) metadata[field] = { from: a[field], to: b[field] }
    const metrics: Record<string, NumberChange> = {}
    for (const key of new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])) {
      if (a.metrics[key] !== b.metrics[key]) metrics[key] = numberChange(a.metrics[key], b.metrics[key])
    }
    const [filesA, filesB] = await Promise.all([
      repos.artifacts.listForVersion(a.id),
      repos.artifacts.listForVersion(b.id),
    ])
    const byPathA = new Map(filesA.map((f) => [f.path, f]))
    const byPathB = new Map(filesB.map((f) => [f.path, f]))
    const added = filesB.filter((f) => !byPathA.has(f.path)).map((f) => f.path)
    const removed = filesA.filter((f) => !byPathB.has(f.path)).map((f) => f.path)
    const changed = filesB
      .filter((f) => byPathA.has(f.path) && byPathA.get(f.path)?.sha256 !== f.sha256)
      .map((f) => f.path)

    const [inspA, inspB] = await Promise.all([
      this.inspections.get(actor, org, name, a.version),
      this.inspections.get(actor, org, name, b.version),
    ])
    const facts = await this.inspections.factsOf([a.id, b.id])
    const fa = facts.get(a.id)
    const fb = facts.get(b.id)
    const fileDiffs: Record<string, Record<string, Change>> = {}
    const reportA = new Map(inspA.files.map((f) => [f.path, f]))
    for (const fileB of inspB.files) {
      const fileA = reportA.get(fileB.path)
      if (!fileA || !changed.includes(fileB.path)) continue
      const diff: Record<string, Change> = {}
      for (const key of inspectedFacts) {
        const va = key === 'format' ? fileA.format : key === 'verdict' ? fileA.safety.verdict : fileA.summary[key]
        const vb = key === 'format' ? fileB.format : key === 'verdict' ? fileB.safety.verdict : fileB.summary[key]
        if (!same(va, vb)) diff[key] = { from: va ?? null, to: vb ?? null }
      }
      if (Object.keys(diff).length > 0) fileDiffs[fileB.path] = diff
    }
    return {
      from: a.version,
      to: b.version,
      files: { added, removed, changed },
      metadata,
      metrics,
      inspection: {
        verdict: { from: fa?.verdict ?? 'none', to: fb?.verdict ?? 'none' },
        format: { from: fa?.format ?? null, to: fb?.format ?? null },
        parameters: numberChange(fa?.parameters, fb?.parameters),
        files: fileDiffs,
      },
    }
  }
}
