// LFS objects of the Hugging Face API: the batch call offers short-lived upload URLs, the PUT to one stores the
// bytes (held until a commit names them), the commit claims them. The records live in the database (hf_lfs_objects)
// so that the three calls may reach different replicas.
import { randomBytes } from 'node:crypto'
import { Readable } from 'node:stream'
import type { StagedBlob } from '../blobs/blob-store.js'
import { ForbiddenError, ValidationError } from '../errors.js'
import type { ModelRecord } from '../repositories/records.js'
import { type ArtifactService, translateStageError } from './artifact.service.js'
import { actorOf, digest } from './auth.service.js'
import type { Actor, ServiceDeps } from './service-deps.js'

/** The repositories this module uses (its named dependencies). */
type Uses = 'artifacts' | 'hfLfsObjects' | 'models' | 'users'

/** How long bytes received through an upload URL wait for the commit that names them. */
const HOLD_MS = 24 * 3600_000
const UPLOAD_TOKEN = /^[A-Za-z0-9_-]{43}$/

/** The batch API's answer for one object. */
export type LfsOffer =
  | { oid: string; size: number; kind: 'too-large'; limit: number }
  /** The model already holds these bytes: nothing to upload. */
  | { oid: string; size: number; kind: 'present' }
  /** Upload with a PUT to the URL holding `token` (its only credential) before `expiresAt` (ms since the epoch). */
  | { oid: string; size: number; kind: 'upload'; token: string; expiresAt: number }

/** An LFS file of a commit, once its bytes are known to be stored and the committer entitled to them. */
export interface ClaimedLfsFile {
  path: string
  sha256: string
  size: number
}

/**
 * @example
 * const offers = await hfLfs.offerUploads(actor, model, [{ oid, size }], 3600)
 * await hfLfs.receive(token, body)                       // the PUT, with no Authorization
 * const { files, uploaded } = await hfLfs.claim(actor, model, [{ path, oid }])
 * // … commit the version …
 * await hfLfs.release(actor, model, uploaded)
 */
export class HfLfsService {
  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly artifacts: ArtifactService,
  ) {}

  private now(): number {
    return Date.parse(this.deps.clock())
  }

  /**
   * Upload URLs for the objects the model does not hold yet (the caller must be able to change the model, checked
   * by the route's lookup). Bytes already in the model need no upload; anything else is uploaded, proving the
   * caller has it.
   */
  async offerUploads(
    actor: Actor,
    model: ModelRecord,
    objects: readonly { oid: string; size: number }[],
    ttlSeconds: number,
  ): Promise<LfsOffer[]> {
    const repos = this.deps.store.pool
    const limit = this.deps.limits.maxArtifactBytes
    const known = new Set(await repos.artifacts.digestsOfModel(model.id))
    const expiresAt = this.now() + ttlSeconds * 1000
    const offers: LfsOffer[] = []
    for (const { oid, size } of objects) {
      if (limit !== undefined && size > limit) {
        offers.push({ oid, size, kind: 'too-large', limit })
      } else if (known.has(oid)) {
        offers.push({ oid, size, kind: 'present' })
      } else {
        // The URL's token is its only credential (clients PUT with no Authorization): random, stored as a digest.
        const token = randomBytes(32).toString('base64url')
        await repos.hfLfsObjects.insert({
          tokenHash: digest(token),
          modelId: model.id,
          userId: actor.userId,
          scope: actor.scope,
          oid,
          size,
          expiresAt,
          blobSha256: null,
        })
        offers.push({ oid, size, kind: 'upload', token, expiresAt })
      }
    }
    return offers
  }

  /**
   * The bytes sent to an upload URL: stored for the URL's model as the user who asked for it, with the scope they
   * had then, and held from collection until a commit names them (or the hold expires).
   */
  async receive(token: string, body: Readable): Promise<void> {
    const repos = this.deps.store.pool
    const upload = UPLOAD_TOKEN.test(token) ? await repos.hfLfsObjects.findByToken(digest(token)) : undefined
    if (!upload) throw new ForbiddenError('the upload URL is not valid')
    const at = this.now()
    if (upload.expiresAt <= at) throw new ForbiddenError('the upload URL has expired; ask the batch API for a new one')
    const user = await repos.users.findById(upload.userId)
    const model = await repos.models.findById(upload.modelId)
    if (!user || !model) throw new ForbiddenError('the upload URL is not valid any more')
    await this.artifacts.storeBlob(
      actorOf(user, upload.scope),
      model,
      body,
      { sha256: upload.oid, size: upload.size },
      // In the transaction that records the blob, so no collection can free it before the commit names it.
      (tx) => tx.hfLfsObjects.markReceived(upload.tokenHash, upload.oid, at + HOLD_MS),
    )
  }

  /**
   * The LFS files of a commit, each checked to be stored and either already in the model or uploaded to it by the
   * committer (and so proved theirs); `uploaded` are the holds the commit uses, for `release` once it is done.
   */
  async claim(
    actor: Actor,
    model: ModelRecord,
    lfsFiles: readonly { path: string; oid: string; size?: number }[],
  ): Promise<{ files: ClaimedLfsFile[]; uploaded: string[] }> {
    const repos = this.deps.store.pool
    const inModel = new Set(await repos.artifacts.digestsOfModel(model.id))
    const uploaded = await repos.hfLfsObjects.received(
      model.id,
      actor.userId,
      lfsFiles.map((f) => f.oid),
      this.now(),
    )
    const files: ClaimedLfsFile[] = []
    for (const lfs of lfsFiles) {
      const stored = await this.deps.blobs.stat(lfs.oid)
      const known = inModel.has(lfs.oid) || uploaded.has(lfs.oid)
      if (!stored || !known) {
        throw new ValidationError(`LFS object ${lfs.oid} (${lfs.path}) was not uploaded; upload it first`)
      }
      if (lfs.size !== undefined && lfs.size !== stored.size) {
        throw new ValidationError(`LFS object ${lfs.oid} is ${stored.size} bytes, not ${lfs.size}`)
      }
      files.push({ path: lfs.path, sha256: lfs.oid, size: stored.size })
    }
    return { files, uploaded: [...uploaded] }
  }

  /** Drops the holds a commit used: the version's files now reference the bytes. */
  release(actor: Actor, model: ModelRecord, oids: readonly string[]): Promise<void> {
    return this.deps.store.pool.hfLfsObjects.release(model.id, actor.userId, oids)
  }

  /** Stages the bytes of a regular (inline, base64) file of a commit, within the artifact size limit. */
  stageInline(content: Buffer): Promise<StagedBlob> {
    return this.deps.blobs
      .stage(Readable.from([content]), { maxBytes: this.deps.limits.maxArtifactBytes })
      .catch((err: unknown) => {
        throw translateStageError(err)
      })
  }
}
