import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { CreateUploadBody } from '@modelreg/contract'
import { ChecksumMismatchError, SizeLimitError } from '../blobs/blob-store.js'
import type { PartStore } from '../blobs/part-store.js'
import { checkArtifactPath } from '../domain/artifact-path.js'
import { DomainError, NotFoundError, ValidationError } from '../errors.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { UploadPartRecord, UploadSessionRecord } from '../repositories/upload-session.repository.js'
import { type ArtifactService, assertWritable } from './artifact.service.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { resolveVersion } from './version.service.js'

const SESSION_DAYS = 7

export interface UploadView {
  session: UploadSessionRecord
  model: ModelRecord
  version: VersionRecord
}

/** Resumable uploads: parts arrive in any order (a retry replaces a part); complete streams them, in order, into an artifact. */
export class UploadService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly parts: PartStore,
    private readonly artifacts: ArtifactService,
  ) {}

  async create(actor: Actor, org: string, name: string, ref: string, body: CreateUploadBody): Promise<UploadView> {
    const path = checkArtifactPath(body.path)
    const { model, version } = await resolveVersion(this.deps.store.read, actor, 'write', org, name, ref)
    assertWritable(version)
    const limit = this.deps.limits.maxArtifactBytes
    if (limit !== undefined && body.size !== undefined && body.size > limit) {
      throw new DomainError('PAYLOAD_TOO_LARGE', `artifact is ${body.size} bytes; the limit is ${limit}`, { limit })
    }
    const now = this.deps.clock()
    const session = {
      id: randomUUID(),
      modelId: model.id,
      versionId: version.id,
      path,
      expectedSize: body.size ?? null,
      expectedSha256: body.sha256 ?? null,
      mediaType: body.mediaType ?? null,
      createdBy: actor.username,
      createdAt: now,
      expiresAt: new Date(Date.parse(now) + SESSION_DAYS * 86_400_000).toISOString(),
    }
    await this.deps.store.read.uploads.insert(session)
    return { session: { ...session, parts: [] }, model, version }
  }

  /** A session is its creator's (or a site admin's): anyone else is told it does not exist. */
  async get(actor: Actor, id: string): Promise<UploadView> {
    const repos = this.deps.store.read
    const session = await repos.uploads.find(id)
    const model = session && (await repos.models.findById(session.modelId))
    const version = session && (await repos.versions.findById(session.versionId))
    const mine = session !== undefined && (session.createdBy === actor.username || actor.siteAdmin)
    if (!session || !model || !version || !mine || session.expiresAt < this.deps.clock()) {
      throw new NotFoundError(`upload ${id} not found (it may have expired or completed)`, { id })
    }
    return { session, model, version }
  }

  async putPart(
    actor: Actor,
    id: string,
    number: number,
    body: Readable,
    opts: { expectedSha256?: string },
  ): Promise<UploadPartRecord> {
    await this.get(actor, id)
    const info = await this.parts
      .write(id, number, body, { maxBytes: this.deps.limits.maxArtifactBytes, expectedSha256: opts.expectedSha256 })
      .catch((err: unknown) => {
        if (err instanceof ChecksumMismatchError) {
          throw new DomainError('CHECKSUM_MISMATCH', `part ${number}: ${err.message}; send it again`, { number })
        }
        if (err instanceof SizeLimitError) throw new DomainError('PAYLOAD_TOO_LARGE', err.message, { limit: err.limit })
        throw err
      })
    const part = { number, size: info.size, sha256: info.sha256 }
    await this.deps.store.read.uploads.putPart(id, part)
    return part
  }

  async complete(actor: Actor, id: string, order?: number[]): Promise<{ artifact: ArtifactRecord }> {
    const { session, model, version } = await this.get(actor, id)
    const received = new Map(session.parts.map((p) => [p.number, p]))
    const numbers = order ?? session.parts.map((p) => p.number)
    if (numbers.length === 0) throw new ValidationError('no parts received yet', { field: 'parts' })
    const missing = numbers.filter((n) => !received.has(n))
    if (missing.length > 0) throw new ValidationError(`parts not received: ${missing.join(', ')}`, { missing })
    if (numbers.some((n, i) => n !== i + 1)) {
      throw new ValidationError('parts must be numbered 1..N without gaps or repeats', { field: 'parts' })
    }
    const total = numbers.reduce((sum, n) => sum + (received.get(n)?.size ?? 0), 0)
    if (session.expectedSize !== null && total !== session.expectedSize) {
      throw new ValidationError(`the parts hold ${total} bytes; the upload declared ${session.expectedSize}`, {
        received: total,
        expected: session.expectedSize,
      })
    }
    const { artifact } = await this.artifacts.upload(
      actor,
      { org: model.org, name: model.name, version: version.version, path: session.path },
      this.parts.read(id, numbers),
      { expectedSha256: session.expectedSha256 ?? undefined, contentType: session.mediaType ?? undefined },
    )
    await this.abort(id)
    return { artifact }
  }

  async abort(id: string): Promise<void> {
    await this.deps.store.read.uploads.delete(id)
    await this.parts.remove(id)
  }

  /** Drops sessions past their expiry with their parts (run at start). */
  async sweepExpired(now = this.deps.clock()): Promise<number> {
    let n = 0
    for (;;) {
      const ids = await this.deps.store.read.uploads.listExpired(now, 100)
      for (const id of ids) await this.abort(id)
      n += ids.length
      if (ids.length < 100) return n
    }
  }
}
