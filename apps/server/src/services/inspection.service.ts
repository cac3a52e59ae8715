// What is inside a version's files, and whether loading them can run code (docs/inspection.md). Jobs are rows
// (written with the upload), worked off the request path by each replica's loop in worker threads; a row is
// claimed by one replica at a time, so a file is inspected once however many replicas run.

import { modelNameKey } from '../domain/names.js'
import { SCANNER_VERSION } from '../inspection/pickle-rules.js'
import { type FileInspection, fileVerdict, type Verdict, verdictOrder, worstVerdict } from '../inspection/result.js'
import { defaultWorkerLimits, InspectionPool, type WorkerLimits } from '../inspection/worker-runner.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { InspectionRecord } from '../repositories/inspection.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
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
  /**
   * How long the loop lets uploads gather after one wakes it, before claiming (default 250 ms): a burst of uploads
   * is claimed and recorded in a few statements instead of a dozen per file.
   */
  settleMs?: number
  /** Jobs claimed at once (default 16); their verdicts are stored together. */
  batch?: number
  /** Longest a verdict waits for the rest of its batch before it is stored anyway (default 1 s). */
  flushMs?: number
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

  /** Wakes this process's loops (after an upload committed); each claims after letting a burst settle (settleMs). */
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

  /**
   * The loop of one replica: claim a batch of due jobs, inspect them in the worker threads, store their verdicts
   * together; woken by uploads (after letting a burst of them gather) and by a timer.
   */
  startWorking(opts: InspectionWorkOptions): InspectionWork {
    const now = opts.now ?? Date.now
    const concurrency = opts.concurrency ?? 1
    const batch = Math.max(1, opts.batch ?? 16)
    const settleMs = opts.settleMs ?? 250
    const flushMs = opts.flushMs ?? 1000
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
    let settling: NodeJS.Timeout | undefined

    const inspect = async (job: InspectionRecord): Promise<FileInspection> => {
      if (job.attempts > MAX_ATTEMPTS) {
        return failure('inspection-failed', `the inspection was interrupted ${MAX_ATTEMPTS} times`)
      }
      const info = await this.deps.blobs.stat(job.sha256)
      if (info === undefined) return failure('blob-missing', 'the bytes are missing from the blob store')
      return pool.inspect(this.deps.blobs, { sha256: job.sha256, name: job.fileName, size: info.size })
    }

    /** Verdicts and the events of the versions they complete commit together (webhooks read the events). */
    const store = async (done: { job: InspectionRecord; inspection: FileInspection }[]): Promise<void> => {
      const at = this.deps.clock()
      await this.deps.store.transaction(async (tx) => {
        const versions = await lockVersionsHolding(
          tx,
          done.map((d) => d.job.sha256),
        )
        let finished = 0
        for (const { job, inspection } of done) {
          const verdict = fileVerdict(inspection)
          const parameters = typeof inspection.summary.parameters === 'number' ? inspection.summary.parameters : null
          const ok = await tx.inspections.finish(
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
          if (ok) finished++
        }
        if (finished > 0) await recordCompleted(tx, versions, at)
      })
    }

    const runBatch = async (jobs: InspectionRecord[]): Promise<void> => {
      const renew = setInterval(
        () => {
          repos.inspections
            .renew(
              jobs.map((j) => j.sha256),
              opts.holder,
              now() + ttl,
            )
            .catch(onError)
        },
        Math.max(1000, ttl / 3),
      )
      renew.unref()
      const waiting: { job: InspectionRecord; inspection: FileInspection }[] = []
      let stored: Promise<void> = Promise.resolve()
      let timer: NodeJS.Timeout | undefined
      const flush = () => {
        clearTimeout(timer)
        timer = undefined
        const list = waiting.splice(0)
        if (list.length > 0) stored = stored.then(() => store(list)).catch(onError)
      }
      try {
        await Promise.all(
          jobs.map(async (job) => {
            waiting.push({ job, inspection: await inspect(job) })
            // A verdict does not wait long for a slow file of its batch.
            timer ??= setTimeout(flush, flushMs)
          }),
        )
        flush()
        await stored
      } finally {
        clearTimeout(timer)
        clearInterval(renew)
      }
    }

    const pump = (): Promise<void> => {
      pumping ??= (async () => {
        while (!stopped && running.size < concurrency) {
          const t = now()
          const jobs = await repos.inspections.claimDue(opts.holder, t, t + ttl, SCANNER_VERSION, batch)
          if (jobs.length === 0) break
          const p: Promise<void> = runBatch(jobs)
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
    // Woken by an upload: let the ones right behind it land, then claim them together.
    const settle = () => {
      if (stopped || settling) return
      settling = setTimeout(() => {
        settling = undefined
        wake()
      }, settleMs)
      settling.unref()
    }
    this.loops.add(settle)
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
        clearTimeout(settling)
        this.loops.delete(settle)
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

/**
 * The versions holding any of these blobs, with their models' rows locked first (PostgreSQL), in the order of the
 * models' ids: two files of one version finishing at once on two replicas do not both miss the moment its last
 * verdict lands, and the locks are taken in one order by every writer (an upload locks its model before it writes
 * the file's job), so two transactions never wait for each other in a circle.
 */
async function lockVersionsHolding(
  repos: RepositoriesOf<InspectionUses>,
  sha256s: readonly string[],
): Promise<{ version: VersionRecord; model: ModelRecord }[]> {
  const out: { version: VersionRecord; model: ModelRecord }[] = []
  const models = new Map<number, ModelRecord>()
  for (const versionId of await repos.artifacts.versionIdsHolding(sha256s)) {
    const version = await repos.versions.findById(versionId)
    const model = version && (models.get(version.modelId) ?? (await repos.models.findById(version.modelId)))
    if (!version || !model) continue
    models.set(model.id, model)
    out.push({ version, model })
  }
  for (const model of [...models.values()].sort((a, b) => a.id - b.id)) {
    await repos.models.findByName(model.org, modelNameKey(model.name.normalize('NFC')), { forUpdate: true })
  }
  return out
}

/** Findings named in an `inspection.completed` event (the rest are counted). */
const EVENT_FINDINGS = 20

/**
 * `inspection.completed` for each of these versions (those holding the blobs just inspected) whose files are now all
 * inspected by the current scanner: its verdict, how many files, and a summary of the findings.
 */
async function recordCompleted(
  repos: RepositoriesOf<InspectionUses>,
  versions: { version: VersionRecord; model: ModelRecord }[],
  at: string,
): Promise<void> {
  for (const { version, model } of versions) {
    const artifacts = await repos.artifacts.listForVersion(version.id)
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
