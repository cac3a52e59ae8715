import type { BlobStore } from '../blobs/blob-store.js'
import type { PartStore } from '../blobs/part-store.js'
import type { Store } from '../repositories/repositories.js'
import { AnalyticsService } from './analytics.service.js'
import { ArtifactService } from './artifact.service.js'
import { AuditService } from './audit.service.js'
import { AuthService } from './auth.service.js'
import { DeploymentService } from './deployment.service.js'
import { EventService } from './event.service.js'
import { IdentityService } from './identity.service.js'
import { LoginThrottle } from './login-throttle.js'
import { ModelService } from './model.service.js'
import type { ServiceDeps } from './service-deps.js'
import { UploadService } from './upload.service.js'
import { VersionService } from './version.service.js'

export interface Services {
  readonly deps: ServiceDeps
  readonly models: ModelService
  readonly versions: VersionService
  readonly artifacts: ArtifactService
  readonly uploads: UploadService
  readonly deployments: DeploymentService
  readonly events: EventService
  readonly auth: AuthService
  readonly identity: IdentityService
  readonly audit: AuditService
  readonly analytics: AnalyticsService
}

export function createServices(deps: {
  store: Store
  blobs: BlobStore
  parts: PartStore
  clock?: () => string
  limits?: ServiceDeps['limits']
}): Services {
  const full: ServiceDeps = {
    store: deps.store,
    blobs: deps.blobs,
    clock: deps.clock ?? (() => new Date().toISOString()),
    limits: deps.limits ?? {},
  }
  const artifacts = new ArtifactService(full)
  return {
    deps: full,
    models: new ModelService(full),
    versions: new VersionService(full),
    artifacts,
    uploads: new UploadService(full, deps.parts, artifacts),
    deployments: new DeploymentService(full),
    events: new EventService(full),
    auth: new AuthService(full, new LoginThrottle()),
    identity: new IdentityService(full),
    audit: new AuditService(full),
    analytics: new AnalyticsService(full),
  }
}
