import type { Readable } from 'node:stream'
import { frozenStatuses } from '@modelreg/contract'
import { BlobMissingError, type ByteRange, ChecksumMismatchError, SizeLimitError } from '../blobs/blob-store.js'
import type { DownloadOffload } from '../config/config.js'
import { checkArtifactPath, mediaTypeOf, servedMediaType } from '../domain/artifact-path.js'
import { DomainError, NotFoundError, VersionFrozenError } from '../errors.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import { collectBlobs } from './blob-collector.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ArchiveFormat, tarStream, zipStream } from './version-archive.js'
import { resolveVersion } from './version-resolver.js'

export interface UploadOptions {
  /** Lower-case hex sha256 the client says it sent; verified before anything becomes visible. */
  expectedSha256?: string
  contentType?: string
  signal?: AbortSignal
}

/** Files of a version: streamed in (hashed on the fly) and out, deduplicated by digest, frozen with the version. */
export class ArtifactService {
  constructor(private readonly deps: ServiceDeps) {}

  async upload(
    actor: Actor,
    ref: { org: string; name: string; version: string; path: string },
    body: Readable,
    opts: UploadOptions,
  ): Promise<{ model: ModelRecord; version: VersionRecord; artifact: ArtifactRecord }> {
    const path = checkArtifactPath(ref.path)
    // Refuse before reading a byte: unknown version, frozen content.
    assertWritable((await resolveVersion(this.deps.store.read, actor, 'write', ref.org, ref.name, ref.version)).version)
    const staged = await this.deps.blobs
      .stage(body, {
        expectedSha256: opts.expectedSha256,
        maxBytes: this.deps.limits.maxArtifactBytes,
        signal: opts.signal,
      })
      .catch((err: unknown) => {
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
        return { model, version, artifact, replaced }
      })
      if (result.replaced) await collectBlobs(this.deps, [result.replaced])
      return result
    } finally {
      await staged.discard()
    }
  }

  async list(actor: Actor, org: string, name: string, ref: string) {
    const { model, version } = await resolveVersion(this.deps.store.read, actor, 'read', org, name, ref)
    return { model, version, artifacts: await this.deps.store.read.artifacts.listForVersion(version.id) }
  }

  /** The artifact at `artifactPath` of the version `ref` names, with that version. */
  async get(
    actor: Actor,
    org: string,
    name: string,
    ref: string,
    artifactPath: string,
  ): Promise<{ version: VersionRecord; artifact: ArtifactRecord }> {
    const path = checkArtifactPath(artifactPath)
    const { model, version } = await resolveVersion(this.deps.store.read, actor, 'read', org, name, ref)
    const artifact = await this.deps.store.read.artifacts.find(version.id, path)
    if (!artifact) {
      throw new NotFoundError(`artifact "${path}" not found in ${model.org}/${model.name}@${version.version}`, { path })
    }
    return { version, artifact }
  }

  /** Opens the bytes (or a range of them) and counts the download when the whole file or its start is read. */
  async open(artifact: ArtifactRecord, opts: { range?: ByteRange; signal?: AbortSignal } = {}): Promise<Readable> {
    const stream = await this.deps.blobs.get(artifact.sha256, opts).catch((err: unknown) => {
      if (!(err instanceof BlobMissingError)) throw err
      throw new DomainError(
        'ARTIFACT_MISSING',
        `the bytes of "${artifact.path}" (sha256 ${artifact.sha256}) are missing from the blob store; ` +
          'an operator must restore them (modelreg-admin verify lists every missing blob)',
        { path: artifact.path, sha256: artifact.sha256 },
      )
    })
    if (opts.range === undefined || opts.range.start === 0) {
      await this.deps.store.read.artifacts.countDownload(artifact, this.deps.clock().slice(0, 10))
    }
    return stream
  }

  /** The whole version as one archive, streamed file by file; counted as one download of the version. */
  async archive(actor: Actor, org: string, name: string, ref: string, format: ArchiveFormat) {
    const { model, version, artifacts } = await this.list(actor, org, name, ref)
    const open = (a: ArtifactRecord) => this.deps.blobs.get(a.sha256)
    const archive = format === 'zip' ? zipStream(artifacts, open) : tarStream(artifacts, open)
    await this.deps.store.read.artifacts.countVersionDownload(model.id, version.id, this.deps.clock().slice(0, 10))
    return { ...archive, version: version.version, filename: `${model.name}-${version.version}.${format}` }
  }

  /** Hands a download to S3 (a presigned URL) or to a fronting nginx (an internal path), counting it. */
  async handOver(
    artifact: ArtifactRecord,
    offload: DownloadOffload,
    opts: { filename: string; range: boolean },
  ): Promise<{ kind: 'redirect'; url: string } | { kind: 'x-accel'; path: string }> {
    if (!opts.range) await this.deps.store.read.artifacts.countDownload(artifact, this.deps.clock().slice(0, 10))
    if (offload.mode === 'presigned' && this.deps.blobs.presignGet) {
      const url = await this.deps.blobs.presignGet(artifact.sha256, {
        expiresInSeconds: offload.presignTtlSeconds,
        filename: opts.filename,
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

function translateStageError(err: unknown): unknown {
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
