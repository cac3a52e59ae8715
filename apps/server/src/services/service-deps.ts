import type { BlobStore } from '../blobs/blob-store.js'
import type { Store } from '../repositories/repositories.js'

/** What every service gets: the store, a clock (ISO timestamps; tests pass their own), the blob store, limits. */
export interface ServiceDeps {
  readonly store: Store
  readonly clock: () => string
  readonly blobs: BlobStore
  readonly limits: { readonly maxArtifactBytes?: number }
}

/** Who is acting. A single local user until accounts exist. */
export interface Actor {
  readonly username: string
}
