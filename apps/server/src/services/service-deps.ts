import type { BlobStore } from '../blobs/blob-store.js'
import type { Store } from '../repositories/repositories.js'

/** What every service gets: the store, a clock (ISO timestamps; tests pass their own), the blob store, limits. */
export interface ServiceDeps {
  readonly store: Store
  readonly clock: () => string
  readonly blobs: BlobStore
  readonly limits: { readonly maxArtifactBytes?: number }
}

/** Who is acting, and what their credential allows (a read-scoped token cannot write, whoever holds it). */
export interface Actor {
  readonly userId: string
  readonly username: string
  readonly siteAdmin: boolean
  readonly scope: 'read' | 'write' | 'admin'
}
