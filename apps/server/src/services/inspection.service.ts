// What is inside a version's files, and whether loading them can run code (docs/inspection.md). Jobs are rows
// (written with the upload), worked off the request path by each replica's loop in worker threads; a row is
// claimed by one replica at a time, so a file is inspected once however many replicas run.

import { modelNameKey } from '../domain/names.js'
import { SCANNER_VERSION } from '../inspection/pickle-rules.js'
import { type FileInspection, fileVerdict, type Verdict, verdictOrder, worstVerdict } from '../inspection/result.js'
import { defaultWorkerLimits, InspectionPool, type WorkerLimits } from '../inspection/worker-runner.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { InspectionRecord } from '../repositories/inspection.repository.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

export interface FileReport {
  path: string
  format: string
  summary: Record<string, unknown>
  safety: { verdict: Verdict; findings: { code: string; detail: string }[] }
}

export interface VersionInspection {
  status: 'pending' | 'done'
  verdict: Verdict
  files: FileReport[]
}

/** The repositories this module uses (its named dependencies). */
export type InspectionUses = 'artifacts' | 'events' | 'inspections' | 'models' | 'versions' | ResolverUses

/** What the version object carries: the worst verdict, and format and parameters of its largest inspected file. */
export interface VersionFacts {
  verdict: Verdict
  format: string | null
  parameters: number | null
}

/** A finding of a dangerous file, as the gate reports it. */
export interface GateFinding {
  path: string
  code: string
  detail: string
}

export const verdictRank = (v: Verdict): number => verdictOrder.indexOf(v)

/** Past this many claims a job that kept killing its replica is recorded as unscannable instead of run again. */
const MAX_ATTEMPTS = 3

export interface InspectionWorkOptions {
  /** This replica's name (replicaName()). */
  holder: string
  /** Files inspected at once on this replica: the size of its pool of long-lived worker threads. */
  concurrency?: number
  /** Niceness of those threads on Linux (0 = as the process). */
  nice?: number
  /** How often the loop looks for due jobs besides being woken by uploads. */
  everyMs?: number
  /** How long a claim lasts without renewal; a dead replica's jobs are taken over after it. */
  claimTtlMs?: number
  limits?: WorkerLimits
  onError?: (err: unknown) => void
  /** ms since the epoch (tests move it). */
  now?: () => number
}

export interface InspectionWork {
  /** Settles when the worker threads (started with the loop) have loaded the parsers. */
  ready: Promise<void>
  /** Claims and runs due jobs until none is left or the slots are full; resolves when those it started end. */
  runUntilIdle(): Promise<void>
  wake(): void
  stop(): Promise<void>
}

export class InspectionService {
  private loops = new Set<() => void>()

  constructor(private readonly deps: ServiceDeps<InspectionUses>) {}

  /** Called in an upload's transaction: the file gets a job unless its bytes were inspected already. */
  static async request(
    repos: RepositoriesOf<InspectionUses>,
    artifact: { sha256: string; path: string },
    at: string,
  ): Promise<void> {
    await repos.inspections.request(artifact.sha256, artifact.path, at)
  }

  /** Wakes this process's loops (after an upload committed). */
  wake(): void {
    for (const wake of this.loops) wake()
  }

  async get(actor: Actor, org: string, name: string, ref: string): Promise<VersionInspection> {
    const { version } = await resolveVersion(this.deps.store.pool, actor, 'read', org, name, ref)
    const artifacts = await this.deps.store.pool.artifacts.listForVersion(version.id)
    const rows = await this.deps.store.pool.inspections.find(artifacts.map((a) => a.sha256))
    return report(artifacts, rows)
  }

  /** POST …/inspection: every file of the version is inspected again (jobs for files that had none are made). */
  async rerun(actor: Actor, org: string, name: string, ref: string): Promise<VersionInspection> {
    const now = this.deps.clock()
    const result = await this.deps.store.transaction(async (repos) => {
      const { version } = await resolveVersion(repos, actor, 'write', org, name, ref)
      const artifacts = await repos.artifacts.listForVersion(version.id)
      for (const a of artifacts) await repos.inspections.request(a.sha256, a.path, now)
      await repos.inspections.requeue([...new Set(artifacts.map((a) => a.sha256))], now)
      return report(artifacts, await repos.inspections.find(artifacts.map((a) => a.sha256)))
    })
    this.wake()
    return result
  }

  /** Verdict, format and parameters of several versions at once (version lists and objects). */
  async factsOf(versionIds: readonly number[]): Promise<Map<number, VersionFacts>> {
    const out = new Map<number, VersionFacts>()
    if (versionIds.length === 0) return out
    const repos = this.deps.store.pool
    const byVersion = new Map<number, ArtifactRecord[]>()
    for (const id of versionIds) byVersion.set(id, await repos.artifacts.listForVersion(id))
    const all = [...byVersion.values()].flat()
    const rows = await repos.inspections.find([...new Set(all.map((a) => a.sha256))])
    for (const [id, artifacts] of byVersion) out.set(id, factsFrom(artifacts, rows))
    return out
  }

  /** The loop of one replica: claim, inspect in a worker, store; woken by uploads and by a timer. */
  startWorking(opts: InspectionWorkOptions): InspectionWork {
    const now = opts.now ?? Date.now
    const concurrency = opts.concurrency ?? 1
    const ttl = opts.claimTtlMs ?? 120_000
    const limits = opts.limits ?? defaultWorkerLimits
    const onError = opts.onError ?? (() => {})
    const repos = this.deps.store.pool
    const pool = new InspectionPool({ size: concurrency, limits, nice: opts.nice ?? 0 })
    // The threads start with the replica, not with its first upload.
    const ready = pool.warm()
    const running = new Set<Promise<void>>()
    let stopped = false
    let pumping: Promise<void> | undefined

    const runJob = async (job: InspectionRecord): Promise<void> => {
      const renew = setInterval(
        () => {
          repos.inspections.renew(job.sha256, opts.holder, now() + ttl).catch(onError)
        },
        Math.max(1000, ttl / 3),
      )
      renew.unref()
      try {
        let inspection: FileInspection
        const info = await this.deps.blobs.stat(job.sha256)
        if (job.attempts > MAX_ATTEMPTS) {
          inspection = failure('inspection-failed', `the inspection was interrupted ${MAX_ATTEMPTS} times`)
        } else if (info === undefined) {
          inspection = failure('blob-missing', 'the bytes are missing from the blob store')
        } else {
          inspection = await pool.inspect(this.deps.blobs, { sha256: job.sha256, name: job.fileName, size: info.size })
        }
        const verdict = fileVerdict(inspection)
        const parameters = typeof inspection.summary.parameters === 'number' ? inspection.summary.parameters : null
        const at = this.deps.clock()
        // The verdict and the events of the versions it completes commit together (webhooks read the events).
        await this.deps.store.transaction(async (tx) => {
          const finished = await tx.inspections.finish(
            job.sha256,
            opts.holder,
            SCANNER_VERSION,
            {
              format: inspection.format,
              verdict,
              verdictRank: verdictRank(verdict),
              parameters,
              result: { summary: inspection.summary, findings: inspection.findings },
            },
            at,
            job.requestedAt,
          )
          if (finished) await recordCompleted(tx, job.sha256, at)
        })
      } finally {
        clearInterval(renew)
      }
    }

    const pump = (): Promise<void> => {
      pumping ??= (async () => {
        while (!stopped && running.size < concurrency) {
          const t = now()
          const job = await repos.inspections.claimNext(opts.holder, t, t + ttl, SCANNER_VERSION)
          if (!job) break
          const p: Promise<void> = runJob(job)
            .catch(onError)
            .finally(() => {
              running.delete(p)
              if (!stopped) void pump()
            })
          running.add(p)
        }
      })()
        .catch(onError)
        .finally(() => {
          pumping = undefined
        })
      return pumping
    }
    const wake = () => {
      if (!stopped) void pump()
    }
    this.loops.add(wake)
    const timer = setInterval(wake, opts.everyMs ?? 5000)
    timer.unref()
    return {
      ready,
      wake,
      runUntilIdle: async () => {
        for (;;) {
          await pump()
          if (running.size === 0) return
          await Promise.race(running)
        }
      },
      stop: async () => {
        stopped = true
        clearInterval(timer)
        this.loops.delete(wake)
        await pumping
        await Promise.allSettled(running)
        await pool.close()
      },
    }
  }
}

/**
 * The safety gate's evidence: the findings that make a version dangerous (empty when it is not), and the paths of
 * its files that have no verdict yet (never inspected; a file waiting for a re-run keeps its previous verdict).
 */
export async function gateEvidence(
  repos: RepositoriesOf<InspectionUses>,
  versionId: number,
): Promise<{ findings: GateFinding[]; pending: string[] }> {
  const artifacts = await repos.artifacts.listForVersion(versionId)
  const rows = await repos.inspections.find(artifacts.map((a) => a.sha256))
  const findings: GateFinding[] = []
  const pending: string[] = []
  for (const a of artifacts) {
    const row = rows.get(a.sha256)
    if (!row || row.verdict === null) pending.push(a.path)
    if (row?.verdict !== 'dangerous') continue
    const result = row.result as { findings?: FileInspection['findings'] } | null
    for (const f of result?.findings ?? []) {
      if (f.level === 'dangerous') findings.push({ path: a.path, code: f.code, detail: f.detail })
    }
  }
  return { findings, pending }
}

/** Findings named in an `inspection.completed` event (the rest are counted). */
const EVENT_FINDINGS = 20

/**
 * `inspection.completed` for each version holding the blob just inspected whose files are now all inspected by the
 * current scanner: its verdict, how many files, and a summary of the findings. The model's row is locked first
 * (PostgreSQL), so two files of one version finishing at once on two replicas do not both miss the moment.
 */
async function recordCompleted(repos: RepositoriesOf<InspectionUses>, sha256: string, at: string): Promise<void> {
  for (const versionId of await repos.artifacts.versionIdsHolding(sha256)) {
    const version = await repos.versions.findById(versionId)
    const model = version && (await repos.models.findById(version.modelId))
    if (!version || !model) continue
    await repos.models.findByName(model.org, modelNameKey(model.name.normalize('NFC')), { forUpdate: true })
    const artifacts = await repos.artifacts.listForVersion(versionId)
    const r = report(artifacts, await repos.inspections.find(artifacts.map((a) => a.sha256)))
    if (r.status !== 'done') continue
    const findings = r.files.flatMap((f) =>
      f.safety.verdict === 'dangerous' || f.safety.verdict === 'suspicious' || f.safety.verdict === 'unscannable'
        ? f.safety.findings.map((x) => ({ path: f.path, verdict: f.safety.verdict, code: x.code, detail: x.detail }))
        : [],
    )
    const counts: Partial<Record<Verdict, number>> = {}
    for (const f of r.files) counts[f.safety.verdict] = (counts[f.safety.verdict] ?? 0) + 1
    await repos.events.append({
      modelId: model.id,
      org: model.org,
      modelName: model.name,
      version: version.version,
      type: 'inspection.completed',
      actor: 'modelreg',
      at,
      data: {
        verdict: r.verdict,
        files: r.files.length,
        verdicts: counts,
        findings: findings.slice(0, EVENT_FINDINGS),
        ...(findings.length > EVENT_FINDINGS && { findingsDropped: findings.length - EVENT_FINDINGS }),
      },
    })
  }
}

function failure(code: string, detail: string): FileInspection {
  return { format: 'unknown', summary: {}, findings: [{ level: 'unscannable', code, detail }] }
}

function isCurrent(row: InspectionRecord | undefined): boolean {
  return row !== undefined && row.status === 'done' && row.scannerVersion >= SCANNER_VERSION
}

function fileReport(a: ArtifactRecord, row: InspectionRecord | undefined): FileReport {
  const result = row?.result as { summary?: Record<string, unknown>; findings?: FileInspection['findings'] } | null
  if (!row || row.verdict === null || !result) {
    return { path: a.path, format: 'unknown', summary: {}, safety: { verdict: 'none', findings: [] } }
  }
  const { bytesRead: _bytesRead, ...summary } = result.summary ?? {}
  return {
    path: a.path,
    format: row.format ?? 'unknown',
    summary,
    safety: {
      verdict: row.verdict as Verdict,
      findings: (result.findings ?? []).map((f) => ({ code: f.code, detail: f.detail })),
    },
  }
}

function report(artifacts: ArtifactRecord[], rows: Map<string, InspectionRecord>): VersionInspection {
  const files = artifacts.map((a) => fileReport(a, rows.get(a.sha256)))
  return {
    status: artifacts.every((a) => isCurrent(rows.get(a.sha256))) ? 'done' : 'pending',
    verdict: worstVerdict(files.map((f) => f.safety.verdict)),
    files,
  }
}

function factsFrom(artifacts: ArtifactRecord[], rows: Map<string, InspectionRecord>): VersionFacts {
  const verdict = worstVerdict(artifacts.map((a) => (rows.get(a.sha256)?.verdict as Verdict | null) ?? 'none'))
  const inspected = artifacts
    .filter((a) => {
      const f = rows.get(a.sha256)?.format
      return f && f !== 'unknown' && f !== 'hf-config' && f !== 'safetensors-index'
    })
    .sort((x, y) => y.size - x.size)
  const largest = inspected[0]
  if (!largest) return { verdict, format: null, parameters: null }
  const format = rows.get(largest.sha256)?.format as string
  // Shards of one format add up; a second copy in another format (a .bin beside .safetensors) does not.
  const same = inspected.filter((a) => rows.get(a.sha256)?.format === format)
  const params = same.map((a) => rows.get(a.sha256)?.parameters).filter((p): p is number => typeof p === 'number')
  return { verdict, format, parameters: params.length > 0 ? params.reduce((x, y) => x + y, 0) : null }
}
