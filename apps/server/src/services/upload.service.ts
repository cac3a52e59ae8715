import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import type { CreateUploadBody } from '@modelreg/contract'
import { ChecksumMismatchError, SizeLimitError } from '../blobs/blob-store.js'
import { type PartStore, PartsChangedError, PartsDroppedError, StaleHandleError } from '../blobs/part-store.js'
import { checkArtifactPath } from '../domain/artifact-path.js'
import { checkArtifactSize } from '../domain/artifact-size.js'
import { ConflictError, DomainError, ForbiddenError, NotFoundError, ValidationError } from '../errors.js'
import type { ArtifactRecord } from '../repositories/artifact.repository.js'
import type { ModelRecord, VersionRecord } from '../repositories/records.js'
import type { UploadPartRecord, UploadSessionRecord } from '../repositories/upload-session.repository.js'
import { type AccessUses, writableModel } from './access.js'
import { type ArtifactService, assertWritable, translateStageError } from './artifact.service.js'
import { type PeriodicLease, type PeriodicWork, startPeriodicWork } from './periodic-work.js'
import { hashedSoFar, type RunningDigestOptions, RunningDigests } from './running-digest.js'
import type { Actor, ServiceDeps } from './service-deps.js'
import { type ResolverUses, resolveVersion } from './version-resolver.js'

const sum = (parts: readonly { size: number }[]) => parts.reduce((n, p) => n + p.size, 0)

const SESSION_DAYS = 7
export interface UploadView {
  session: UploadSessionRecord
  model: ModelRecord
  version: VersionRecord
}

/** The repositories this module uses (its named dependencies). */
type Uses = 'models' | 'uploads' | 'versions' | AccessUses | ResolverUses

/**
 * Resumable uploads: parts arrive in any order (a retry replaces a part); complete streams them, in order, into an
 * artifact. Every call checks the caller's access as it is now, and the limits hold on the session's total and on
 * what each user has open (sessions and bytes), not per part.
 */
export class UploadService {
  /** Parts joining the running sha256 of their file as they arrive (decision 0029). */
  private readonly digests: RunningDigests

  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly parts: PartStore,
    private readonly artifacts: ArtifactService,
    digestOpts: Partial<RunningDigestOptions> = {},
  ) {
    this.digests = new RunningDigests(deps, parts, digestOpts)
  }

  async create(actor: Actor, org: string, name: string, ref: string, body: CreateUploadBody): Promise<UploadView> {
    const path = checkArtifactPath(body.path)
    const { model, version } = await resolveVersion(this.deps.store.pool, actor, 'write', org, name, ref)
    assertWritable(version)
    const { maxArtifactBytes, maxUploadSessionsPerUser, maxUploadBytesPerUser } = this.deps.limits
    checkArtifactSize(body.size, maxArtifactBytes)
    const now = this.deps.clock()
    const open = await this.deps.store.pool.uploads.openBy(actor.username, now)
    if (maxUploadSessionsPerUser !== undefined && open.sessions >= maxUploadSessionsPerUser) {
      throw new ConflictError(
        `you have ${open.sessions} open uploads, the most one user may have: complete or abort one first (GET /api/v1/uploads lists them)`,
        { limit: maxUploadSessionsPerUser },
      )
    }
    if (
      maxUploadBytesPerUser !== undefined &&
      body.size !== undefined &&
      open.bytes + body.size > maxUploadBytesPerUser
    ) {
      throw userBytesError(open.bytes, maxUploadBytesPerUser)
    }
    const id = randomUUID()
    const session = {
      id,
      modelId: model.id,
      versionId: version.id,
      path,
      expectedSize: body.size ?? null,
      expectedSha256: body.sha256 ?? null,
      mediaType: body.mediaType ?? null,
      createdBy: actor.username,
      createdAt: now,
      expiresAt: new Date(Date.parse(now) + SESSION_DAYS * 86_400_000).toISOString(),
      // Made with the session, so that parts arriving together on two replicas join the one handle.
      storeHandle: await this.parts.open(id),
    }
    await this.deps.store.pool.uploads.insert(session).catch(async (err: unknown) => {
      await this.parts.remove(id)
      throw err
    })
    return {
      session: { ...session, parts: [], runningDigest: { hashedParts: 0, state: null, partsArriving: 0 } },
      model,
      version,
    }
  }

  /**
   * A session is its creator's (or a site admin's): anyone else is told it does not exist. Access is checked as it
   * is now, not as it was when the session started: a creator removed from the organisation, unshared or demoted
   * can never complete it, so the session is dropped with its parts (404, or 403 where the model is still
   * visible). A read-only token of a creator who still may write is refused (403) and the session kept.
   */
  async get(actor: Actor, id: string): Promise<UploadView> {
    const repos = this.deps.store.pool
    const gone = () => new NotFoundError(`upload ${id} not found (it may have expired or completed)`, { id })
    const session = await repos.uploads.find(id)
    const mine = session !== undefined && (session.createdBy === actor.username || actor.siteAdmin)
    if (!session || !mine || session.expiresAt < this.deps.clock()) throw gone()
    const stored = await repos.models.findById(session.modelId)
    const version = await repos.versions.findById(session.versionId)
    if (!stored || !version) throw gone()
    // The standing of the caller as a user, whatever the scope of the credential used for this call.
    const model = await writableModel(repos, { ...actor, scope: 'write' }, stored.org, stored.name).catch(
      async (err: unknown) => {
        if (!(err instanceof NotFoundError || err instanceof ForbiddenError)) throw err
        await this.abort(id)
        throw err instanceof NotFoundError ? gone() : err
      },
    )
    if (actor.scope === 'read') throw new ForbiddenError('this token is read-only: uploads need a write token')
    return { session, model, version }
  }

  /** The caller's open sessions, newest first (sessions they may no longer finish are dropped on the way). */
  async listOpen(actor: Actor): Promise<UploadView[]> {
    const ids = await this.deps.store.pool.uploads.listOpenBy(actor.username, this.deps.clock(), 1000)
    const views: UploadView[] = []
    for (const id of ids) {
      const view = await this.get(actor, id).catch((err: unknown) => {
        if (err instanceof NotFoundError || err instanceof ForbiddenError) return undefined
        throw err
      })
      if (view) views.push(view)
    }
    return views
  }

  async putPart(
    actor: Actor,
    id: string,
    number: number,
    body: Readable,
    opts: { expectedSha256?: string; length?: number },
  ): Promise<Omit<UploadPartRecord, 'tag'>> {
    const { session, version } = await this.get(actor, id)
    assertWritable(version)
    const { maxArtifactBytes, maxUploadBytesPerUser } = this.deps.limits
    const repos = this.deps.store.pool
    // Room left once this part replaces the one of the same number, if any.
    const replaced = session.parts.find((p) => p.number === number)?.size ?? 0
    const sessionRoom =
      maxArtifactBytes === undefined ? Number.POSITIVE_INFINITY : maxArtifactBytes - (sum(session.parts) - replaced)
    const userBytes =
      maxUploadBytesPerUser === undefined ? 0 : (await repos.uploads.openBy(session.createdBy, this.deps.clock())).bytes
    const userRoom =
      maxUploadBytesPerUser === undefined ? Number.POSITIVE_INFINITY : maxUploadBytesPerUser - (userBytes - replaced)
    const room = Math.max(0, Math.min(sessionRoom, userRoom))
    // Held for the running digest: released once the part joined it (or gave up).
    const ticket = await this.digests.arrive(session, opts.length)
    try {
      const info = await this.parts
        .write(id, number, body, {
          handle: session.storeHandle,
          maxBytes: room,
          expectedSha256: opts.expectedSha256,
          length: opts.length,
          keep: ticket.keep,
        })
        .catch(async (err: unknown) => {
          if (err instanceof StaleHandleError) {
            await this.reopen(id, session.storeHandle)
            throw staleError(id, number)
          }
          if (err instanceof ChecksumMismatchError) {
            throw new DomainError('CHECKSUM_MISMATCH', `part ${number}: ${err.message}; send it again`, { number })
          }
          if (err instanceof SizeLimitError) {
            if (sessionRoom <= userRoom) throw await this.refuseTotal(id, maxArtifactBytes as number)
            throw userBytesError(userBytes - replaced, maxUploadBytesPerUser as number)
          }
          throw err
        })
      const part = { number, size: info.size, sha256: info.sha256 }
      if (!(await repos.uploads.putPart(id, { ...part, tag: info.tag }))) {
        // Aborted (or refused) while this part was arriving: leave nothing behind.
        await this.parts.remove(id)
        throw new NotFoundError(`upload ${id} not found (it was aborted while part ${number} arrived)`, { id })
      }
      // Parts sent at the same time each saw room for themselves: the total decides.
      if (maxArtifactBytes !== undefined && (await repos.uploads.receivedBytes(id)) > maxArtifactBytes) {
        throw await this.refuseTotal(id, maxArtifactBytes)
      }
      if (info.bytes && info.tag !== null) await ticket.join({ ...part, tag: info.tag }, info.bytes)
      return part
    } finally {
      await ticket.release()
    }
  }

  /** An upload whose parts add up to more than the artifact limit can never complete: it is dropped at once. */
  private async refuseTotal(id: string, limit: number): Promise<DomainError> {
    await this.abort(id)
    return new DomainError(
      'PAYLOAD_TOO_LARGE',
      `the parts of upload ${id} add up to more than the artifact limit of ${limit} bytes; the upload was aborted`,
      { limit },
    )
  }

  async complete(actor: Actor, id: string, order?: number[]): Promise<{ artifact: ArtifactRecord }> {
    const { session, model, version } = await this.get(actor, id)
    assertWritable(version)
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
    const parts = numbers.map((n) => received.get(n) as UploadPartRecord)
    const { artifact } = await this.artifacts
      .uploadStaged(
        actor,
        { org: model.org, name: model.name, version: version.version, path: session.path },
        (maxBytes) =>
          this.parts.assemble(id, parts, {
            handle: session.storeHandle,
            expectedSha256: session.expectedSha256 ?? undefined,
            maxBytes,
            hashed: hashedSoFar(session),
          }),
        { contentType: session.mediaType ?? undefined },
      )
      .catch(async (err: unknown) => {
        throw await this.assemblyError(id, session.storeHandle, err)
      })
    await this.abort(id)
    return { artifact }
  }

  /** What a failed `complete` tells the client; parts the store used up are forgotten, to be sent again. */
  private async assemblyError(id: string, handle: string | null, err: unknown): Promise<unknown> {
    // Over the limit (lowered since the parts arrived): it never will fit, so nothing is kept.
    if (err instanceof DomainError && err.code === 'PAYLOAD_TOO_LARGE') await this.abort(id)
    if (err instanceof PartsChangedError) {
      return new ValidationError(`${err.message} (a resend that failed its checksum replaced it): send it again`, {
        missing: err.numbers,
      })
    }
    if (err instanceof StaleHandleError) {
      const dropped = await this.reopen(id, handle)
      return new ConflictError(
        `upload ${id} lost the parts held by the blob store${dropped?.length ? ` (${dropped.join(', ')})` : ''}: send them again`,
        { id, missing: dropped ?? [] },
      )
    }
    if (!(err instanceof PartsDroppedError)) return err
    await this.deps.store.pool.uploads.dropParts(id, err.numbers, await this.parts.open(id))
    const cause = translateStageError(err.cause)
    if (!(cause instanceof DomainError)) return cause
    if (cause.code === 'PAYLOAD_TOO_LARGE') {
      await this.abort(id)
      return cause
    }
    return new DomainError(cause.code, `${cause.message}; parts ${err.numbers.join(', ')} must be sent again`, {
      ...cause.details,
      missing: err.numbers,
    })
  }

  /**
   * The part store no longer knows the session's handle (its multipart upload was aborted behind the registry's
   * back, or the database was restored beside another bucket): a new one, and the parts kept under the old one are
   * to be sent again. Several replicas finding out at once swap it once.
   */
  private async reopen(id: string, stale: string | null): Promise<number[] | undefined> {
    if (stale === null) return undefined
    const fresh = await this.parts.open(id)
    const dropped = await this.deps.store.pool.uploads.replaceHandle(id, stale, fresh)
    // Another replica swapped it first: ours was never kept.
    if (dropped === undefined && fresh !== null) await this.parts.closeHandle(id, fresh)
    return dropped
  }

  async abort(id: string): Promise<void> {
    await this.deps.store.pool.uploads.delete(id)
    await this.parts.remove(id)
  }

  /**
   * Drops sessions past their expiry with their parts, and parts whose session is gone (a deleted model or
   * version, an abort while a part was arriving, a crash). Run at start and then every few minutes.
   */
  async sweepExpired(now = this.deps.clock()): Promise<number> {
    const repos = this.deps.store.pool
    let n = 0
    for (;;) {
      const ids = await repos.uploads.listExpired(now, 100)
      for (const id of ids) await this.abort(id)
      n += ids.length
      if (ids.length < 100) break
    }
    await this.sweepOrphanParts()
    return n
  }

  /** Removes parts whose session is gone (an abort while a part was arriving, a deleted version, a crash). */
  async sweepOrphanParts(): Promise<void> {
    const stored = await this.parts.list()
    const live = await this.deps.store.pool.uploads.existing(stored)
    for (const id of stored) if (!live.has(id)) await this.parts.remove(id)
  }

  /**
   * Sweeps every `everyMs` on an unref'd timer (it never keeps the process alive); stop() waits for a running sweep.
   * With a lease, only the replica holding it sweeps (services/periodic-work.ts): the parts live in the shared blob
   * store, not on the replica that took them.
   */
  startSweeping(everyMs: number, onError: (err: unknown) => void, lease?: PeriodicLease): PeriodicWork {
    return startPeriodicWork({ everyMs, work: () => this.sweepExpired(), onError, lease })
  }
}

function staleError(id: string, number: number): ConflictError {
  return new ConflictError(`upload ${id} was completed or restarted while part ${number} arrived: send it again`, {
    id,
  })
}

function userBytesError(open: number, limit: number): DomainError {
  return new DomainError(
    'PAYLOAD_TOO_LARGE',
    `your open uploads hold ${open} bytes and may hold ${limit}: complete or abort one, then send this again`,
    { limit },
  )
}
