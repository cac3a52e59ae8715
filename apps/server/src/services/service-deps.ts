import type { Store } from '../repositories/repositories.js'

/** What every service gets: the store and a clock (ISO timestamps; tests pass a fixed one). */
export interface ServiceDeps {
  readonly store: Store
  readonly clock: () => string
}

/** Who is acting. A single local user until accounts exist. */
export interface Actor {
  readonly username: string
}
