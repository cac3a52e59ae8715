import type { BlobStore } from '../blobs/blob-store.js'
import type { RepositoryName, StoreOf } from '../repositories/repositories.js'

/**
 * What a service gets: the store narrowed to the repositories it names (`K`), a clock (ISO timestamps; tests pass
 * their own), the blob store, limits. `createServices` hands every service the same full store; the type parameter
 * is each service's declaration of what it touches.
 */
export interface ServiceDeps<K extends RepositoryName = RepositoryName> {
  readonly store: StoreOf<K>
  readonly clock: () => string
  readonly blobs: BlobStore
  readonly limits: Limits
}

/** Sizes and counts the registry refuses past (docs/security.md, "Limits and their settings"). */
export interface Limits {
  /** Largest artifact, whether sent whole or as the parts of an upload session. Unlimited when unset. */
  readonly maxArtifactBytes?: number
  /** Open (unexpired) upload sessions one user may have. Unlimited when unset. */
  readonly maxUploadSessionsPerUser?: number
  /** Bytes of received parts in one user's open upload sessions. Unlimited when unset. */
  readonly maxUploadBytesPerUser?: number
  /**
   * How long a move to Production or a deployment waits for the version's files still being inspected before it
   * is refused with INSPECTION_PENDING (ADR 0025). Refused at once when unset.
   */
  readonly inspectionGateWaitMs?: number
}

/** Who is acting, and what their credential allows (a read-scoped token cannot write, whoever holds it). */
export interface Actor {
  readonly userId: string
  readonly username: string
  readonly siteAdmin: boolean
  readonly scope: 'read' | 'write' | 'admin'
  /** How they signed in: only a browser session may create API tokens (docs/decisions, tokens from sessions). */
  readonly credential: 'session' | 'token'
}
