// Frees the bytes of digests nothing references any more. Each digest is collected in its own transaction:
// the row is deleted only while no artifact references it (the foreign key makes a concurrent upload of the
// same bytes either wait for this transaction or make the delete fail), and the bytes go before the commit.
import { isForeignKeyViolation } from '../db/database.js'
import type { ServiceDeps } from './service-deps.js'

/** The repositories this module uses (its named dependencies). */
export type CollectorUses = 'blobs' | 'hfLfsObjects'

export async function collectBlobs(deps: ServiceDeps<CollectorUses>, digests: Iterable<string>): Promise<string[]> {
  const freed: string[] = []
  for (const sha256 of new Set(digests)) {
    try {
      const deleted = await deps.store.transaction(async (repos) => {
        if (!(await repos.blobs.deleteIfUnreferenced(sha256))) return false
        await deps.blobs.delete(sha256)
        return true
      })
      if (deleted) freed.push(sha256)
    } catch (err) {
      if (!isForeignKeyViolation(err)) throw err
    }
  }
  return freed
}

/** Sweeps rows left unreferenced by an interrupted collection (run at start and on demand). */
export async function collectUnreferenced(deps: ServiceDeps<CollectorUses>): Promise<number> {
  // LFS uploads of the Hugging Face API hold their bytes for a while; expired holds no longer do.
  await deps.store.pool.hfLfsObjects.deleteExpired(Date.parse(deps.clock()))
  let total = 0
  for (;;) {
    const batch = await deps.store.pool.blobs.listUnreferenced(500)
    if (batch.length === 0) return total
    const freed = await collectBlobs(deps, batch)
    total += freed.length
    if (freed.length === 0) return total
  }
}
