// The Hub's write side: repos/create, preupload, the LFS batch API with signed upload URLs, and ndjson commits.
import type { App } from '../../routes/route-types.js'
import type { Services } from '../../services/services.js'
import type { HfRepos } from './hf-repos.js'

export async function hfWriteRoutes(
  _scope: App,
  _services: Services,
  _repos: HfRepos,
  _opts: { uploadUrlTtlSeconds: number },
): Promise<void> {}
