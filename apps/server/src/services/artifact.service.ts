import { Readable } from 'node:stream'
import { frozenStatuses } from '@modelreg/contract'
import {
  BlobMissingError,
  type ByteRange,
  ChecksumMismatchError,
  SizeLimitError,
  type StagedBlob,
} from '../blobs/blob-store.js'
import type { DownloadOffload } from '../config/config.js'
import { checkArtifactPath, mediaTypeOf, servedMediaType } from '../domain/artifact-path.js'
import { checkArtifactSize } from '../domain/artifact-size.js'
import { DomainError, NotFoundError, ValidationError, VersionFrozenError } from '../errors.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { RepositoriesOf } from '../repositories/repositories.js'
import { type AccessUses, writableModel } from './access.js'
import { type CollectorUses, collectBlobs } from './blob-collector.js'
import { InspectionService, type InspectionUses } from './inspection.service.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ArchiveFormat, tarStream, zipStream } from './version-archive.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'artifacts' | 'blobs' | 'events' | AccessUses | ResolverUses | CollectorUses | InspectionUses

/** How a download is to be answered, decided by the route from the request's HTTP once the artifact is known. */
export type DownloadPlan =
  /** 304: the client has these bytes. */
  | { kind: 'not-modified' }
  /** Served from here: the whole file (`ranges` undefined) or those ranges; HEAD sends headers only. */
  | { kind: 'stream'; method: 'GET' | 'HEAD'; ranges?: readonly ByteRange[] }
  /** Served by S3 (presigned URL) or a fronting nginx, which also serve any Range (`ranged`) themselves. */
  | { kind: 'hand-over'; offload: DownloadOffload; filename: string; ranged: boolean }

export interface ArtifactDownload<P extends DownloadPlan = DownloadPlan> {
  version: VersionRecord
  artifact: ArtifactRecord
  plan: P
  /** A 'stream' GET's bytes: the whole file, or one stream per range in order (the first already open). */
  bodies: Readable[]
  /** Where a 'hand-over' sends the client. */
  handOver?: { kind: 'redirect'; url: string } | { kind: 'x-accel'; path: string }
}

/**
 * The one rule for counting a download: a GET that reads the file from its first byte (the whole file, or ranges
 * one of which starts at 0) is one download. HEAD, a 304 and a resumed download (ranges past the start) are not;
 * a handed-over download counts unless it is ranged, since S3 or nginx serve the ranges out of our sight.
 */
export function countsAsDownload(plan: DownloadPlan): boolean {
  switch (plan.kind) {
    case 'not-modified':
      return false
    case 'hand-over':
      return !plan.ranged
    case 'stream':
      return plan.method === 'GET' && (plan.ranges === undefined || plan.ranges.some((r) => r.start === 0))
  }
}

export interface UploadOptions {
  /** Lower-case hex sha256 the client says it sent; verified before anything becomes visible. */
  expectedSha256?: string
  /** The size the client declared (Content-Length): one over the limit is refused before a byte is read. */
  declaredSize?: number
  contentType?: string
  signal?: AbortSignal
  /** The byte count the body will have, when known (Content-Length, a session's parts): see StageOptions. */
  length?: number
}

/** Files of a version: streamed in (hashed on the fly) and out, deduplicated by digest, frozen with the version. */
export class ArtifactService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    /** Called after an upload commits (wakes the inspection loop). */
    private readonly afterUpload: () => void = () => {},
  ) {}

  async upload(
    actor: Actor,
    ref: { org: string; name: string; version: string; path: string },
    body: Readable,
    opts: UploadOptions,
  ): Promise<{ model: ModelRecord; version: VersionRecord; artifact: ArtifactRecord }> {
    return this.uploadStaged(
      actor,
      ref,
      (maxBytes) =>
        this.deps.blobs.stage(body, {
          expectedSha256: opts.expectedSha256,
          maxBytes,
          signal: opts.signal,
          length: opts.length,
        }),
      opts,
    )
  }

  /**
   * An upload whose bytes someone else stages (the parts of an upload session, joined by the part store): `stage`
   * is called once the version is known to take files, with the artifact size limit, and must verify what it stages
   * as `BlobStore.stage` does; the rest is `upload`.
   */
  async uploadStaged(
    actor: Actor,
    ref: { org: string; name: string; version: string; path: string },
    stage: (maxBytes: number | undefined) => Promise<StagedBlob>,
    opts: UploadOptions,
  ): Promise<{ model: ModelRecord; version: VersionRecord; artifact: ArtifactRecord }> {
    checkArtifactSize(opts.declaredSize, this.deps.limits.maxArtifactBytes)
    const path = checkArtifactPath(ref.path)
    // Refuse before reading a byte: unknown version, frozen content.
    assertWritable((await resolveVersion(this.deps.store.pool, actor, 'write', ref.org, ref.name, ref.version)).version)
    const staged = await stage(this.deps.limits.maxArtifactBytes).catch((err: unknown) => {
      throw translateStageError(err)
    })
    const now = this.deps.clock()
    try {
      const result = await this.deps.store.transaction(async (repos) => {
        const { model, version } = await resolveVersion(repos, actor, 'write', ref.org, ref.name, ref.version, {
          forUpdate: true,
        })
        assertWritable(version)
        await repos.blobs.upsert(staged.info.sha256, staged.info.size, now)
        await staged.commit()
        const { replaced } = await repos.artifacts.put({
          versionId: version.id,
          modelId: model.id,
          path,
          size: staged.info.size,
          sha256: staged.info.sha256,
          mediaType: mediaTypeOf(path, opts.contentType),
          createdBy: actor.username,
          createdAt: now,
        })
        await repos.events.append({
          modelId: model.id,
          org: model.org,
          modelName: model.name,
          version: version.version,
          type: 'artifact.uploaded',
          actor: actor.username,
          at: now,
          data: { path, size: staged.info.size, sha256: staged.info.sha256, ...(replaced && { replaced }) },
        })
        const artifact = await repos.artifacts.find(version.id, path)
        if (!artifact) throw new Error('artifact vanished after upload')
        // The inspection job commits with the file: a crash after this point cannot leave a file uninspected.
        await InspectionService.request(repos, artifact, now)
        return { model, version, artifact, replaced }
      })
      this.afterUpload()
      if (result.replaced) await collectBlobs(this.deps, [result.replaced])
      return result
    } finally {
      await staged.discard()
    }
  }

  /**
   * Stores bytes for a model without naming a file yet (a Hugging Face LFS object, referenced by a later commit):
   * the writer must be able to change the model; the bytes must hash to `sha256` and be `size` long, or nothing is
   * kept. Bytes nothing references are collected by the unreferenced-blob sweep.
   */
  async storeBlob(
    actor: Actor,
    ref: { org: string; name: string },
    body: Readable,
    expected: { sha256: string; size: number; signal?: AbortSignal },
    /** Written in the transaction that records the blob (e.g. a hold that keeps it from collection). */
    alsoRecord?: (repos: RepositoriesOf<Uses>) => Promise<void>,
  ): Promise<void> {
    await writableModel(this.deps.store.pool, actor, ref.org, ref.name)
    const limit = this.deps.limits.maxArtifactBytes
    if (limit !== undefined && expected.size > limit) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `the object is ${expected.size} bytes; the limit is ${limit}`, {
        limit,
      })
    }
    const staged = await this.deps.blobs
      .stage(body, { expectedSha256: expected.sha256, maxBytes: expected.size, signal: expected.signal })
      .catch((err: unknown) => {
        throw err instanceof SizeLimitError
          ? new ValidationError(`the body is longer than the ${expected.size} bytes announced; nothing was stored`)
          : translateStageError(err)
      })
    try {
      if (staged.info.size !== expected.size) {
        throw new ValidationError(
          `the body is ${staged.info.size} bytes, not the ${expected.size} announced; nothing was stored`,
          { size: staged.info.size },
        )
      }
      await this.deps.store.transaction(async (repos) => {
        await repos.blobs.upsert(staged.info.sha256, staged.info.size, this.deps.clock())
        await alsoRecord?.(repos)
        await staged.commit()
      })
    } finally {
      await staged.discard()
    }
  }

  async list(actor: Actor, org: string, name: string, ref: string) {
    const { model, version } = await resolveVersion(this.deps.store.pool, actor, 'read', org, name, ref)
    return { model, version, artifacts: await this.deps.store.pool.artifacts.listForVersion(version.id) }
  }

  /**
   * A download of one file, owned here from lookup to counting: resolves the artifact, lets the caller decide how
   * to answer (`plan`, from the request's HTTP, once the artifact's digest and size are known), then checks the
   * bytes are there (409 ARTIFACT_MISSING otherwise, HEAD included), counts the download by the one rule below and
   * opens the bytes. The first body is opened before returning, so a missing blob fails before any header is sent.
   */
  async download<P extends DownloadPlan>(
    actor: Actor,
    ref: { org: string; name: string; version: string; path: string },
    plan: (artifact: ArtifactRecord, version: VersionRecord) => P,
  ): Promise<ArtifactDownload<P>> {
    const path = checkArtifactPath(ref.path)
    const { model, version } = await resolveVersion(this.deps.store.pool, actor, 'read', ref.org, ref.name, ref.version)
    const artifact = await this.deps.store.pool.artifacts.find(version.id, path)
    if (!artifact) {
      throw new NotFoundError(`artifact "${path}" not found in ${model.org}/${model.name}@${version.version}`, { path })
    }
    const chosen = plan(artifact, version)
    const result: ArtifactDownload<P> = { version, artifact, plan: chosen, bodies: [] }
    if (chosen.kind === 'hand-over') {
      result.handOver = await this.handOver(artifact, chosen)
    } else if (chosen.kind === 'stream' && chosen.method === 'HEAD') {
      if ((await this.deps.blobs.stat(artifact.sha256)) === undefined) throw missing(artifact)
    } else if (chosen.kind === 'stream') {
      const [first, ...rest] = chosen.ranges ?? [undefined]
      result.bodies = [
        await this.open(artifact, first),
        ...rest.map((range) => lazily(() => this.open(artifact, range))),
      ]
    }
    if (countsAsDownload(chosen)) {
      const day = this.deps.clock().slice(0, 10)
      await this.deps.store.transaction((repos) => repos.artifacts.countDownload(artifact, day))
    }
    return result
  }

  /** The whole version as one archive, streamed file by file; counted as one download of the version. */
  async archive(actor: Actor, org: string, name: string, ref: string, format: ArchiveFormat) {
    const { model, version, artifacts } = await this.list(actor, org, name, ref)
    // Every file's bytes are checked before the first is sent: a missing one is a coded error, not a cut-off
    // archive (unless it goes missing while the archive streams).
    const digests = [...new Set(artifacts.map((a) => a.sha256))]
    for (let i = 0; i < digests.length; i += 8) {
      const stats = await Promise.all(digests.slice(i, i + 8).map((d) => this.deps.blobs.stat(d)))
      const gone = stats.indexOf(undefined)
      if (gone !== -1) {
        const sha256 = digests[i + gone] as string
        throw missing(artifacts.find((a) => a.sha256 === sha256) as ArtifactRecord)
      }
    }
    const open = (a: ArtifactRecord) => this.open(a)
    const archive = format === 'zip' ? zipStream(artifacts, open) : tarStream(artifacts, open)
    const day = this.deps.clock().slice(0, 10)
    await this.deps.store.transaction((repos) => repos.artifacts.countVersionDownload(model.id, version.id, day))
    return { ...archive, version: version.version, filename: `${model.name}-${version.version}.${format}` }
  }

  /** The bytes (or a range of them); missing bytes are the domain's ARTIFACT_MISSING. Counts nothing. */
  private async open(artifact: ArtifactRecord, range?: ByteRange): Promise<Readable> {
    return this.deps.blobs.get(artifact.sha256, range && { range }).catch((err: unknown) => {
      throw err instanceof BlobMissingError ? missing(artifact) : err
    })
  }

  /** Hands a download to S3 (a presigned URL) or to a fronting nginx (an internal path). */
  private async handOver(
    artifact: ArtifactRecord,
    plan: Extract<DownloadPlan, { kind: 'hand-over' }>,
  ): Promise<{ kind: 'redirect'; url: string } | { kind: 'x-accel'; path: string }> {
    const { offload } = plan
    if (offload.mode === 'presigned' && this.deps.blobs.presignGet) {
      const url = await this.deps.blobs.presignGet(artifact.sha256, {
        expiresInSeconds: offload.presignTtlSeconds,
        filename: plan.filename,
        contentType: servedMediaType(artifact.mediaType),
      })
      return { kind: 'redirect', url }
    }
    const d = artifact.sha256
    return { kind: 'x-accel', path: `${offload.accelPrefix}${d.slice(0, 2)}/${d.slice(2, 4)}/${d}` }
  }

  async delete(actor: Actor, org: string, name: string, ref: string, artifactPath: string): Promise<void> {
    const path = checkArtifactPath(artifactPath)
    const now = this.deps.clock()
    const sha256 = await this.deps.store.transaction(async (repos) => {
      const { model, version } = await resolveVersion(repos, actor, 'write', org, name, ref, { forUpdate: true })
      assertWritable(version)
      const artifact = await repos.artifacts.find(version.id, path)
      if (!artifact)
        throw new NotFoundError(`artifact "${path}" not found in ${model.org}/${model.name}@${version.version}`, {
          path,
        })
      await repos.artifacts.delete(artifact.id)
      await repos.events.append({
        modelId: model.id,
        org: model.org,
        modelName: model.name,
        version: version.version,
        type: 'artifact.deleted',
        actor: actor.username,
        at: now,
        data: { path, sha256: artifact.sha256 },
      })
      return artifact.sha256
    })
    await collectBlobs(this.deps, [sha256])
  }
}

export function assertWritable(version: VersionRecord): void {
  if ((frozenStatuses as string[]).includes(version.status)) {
    throw new VersionFrozenError(
      `version ${version.version} is ${version.status}: its artifacts are frozen so it downloads the same forever; create a new version`,
      { status: version.status },
    )
  }
}

function missing(artifact: ArtifactRecord): DomainError {
  return new DomainError(
    'ARTIFACT_MISSING',
    `the bytes of "${artifact.path}" (sha256 ${artifact.sha256}) are missing from the blob store; ` +
      'an operator must restore them (modelreg-admin verify lists every missing blob)',
    { path: artifact.path, sha256: artifact.sha256 },
  )
}

/** A stream that opens its source on first read (the later ranges of a multipart download, one at a time). */
function lazily(open: () => Promise<Readable>): Readable {
  return Readable.from(
    (async function* () {
      yield* await open()
    })(),
  )
}

export function translateStageError(err: unknown): unknown {
  if (err instanceof ChecksumMismatchError) {
    return new DomainError('CHECKSUM_MISMATCH', `${err.message}; nothing was stored`, {
      expected: err.expected,
      actual: err.actual,
    })
  }
  if (err instanceof SizeLimitError)
    return new DomainError('PAYLOAD_TOO_LARGE', `${err.message}; nothing was stored`, { limit: err.limit })
  return err
}
