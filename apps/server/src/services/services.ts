import type { BlobStore } from '../blobs/blob-store.js'
import type { PartStore } from '../blobs/part-store.js'
import { hashPassword, verifyPassword } from '../domain/password.js'
import type { Store } from '../repositories/repositories.js'
import { AliasService } from './alias.service.js'
import { AnalyticsService } from './analytics.service.js'
import { ArtifactService } from './artifact.service.js'
import { AuditService } from './audit.service.js'
import { AuthService } from './auth.service.js'
import { CompareService } from './compare.service.js'
import { DeploymentService } from './deployment.service.js'
import { EventService } from './event.service.js'
import { HfLfsService } from './hf-lfs.service.js'
import { HfRepoService } from './hf-repo.service.js'
import { IdentityService } from './identity.service.js'
import { InspectionService } from './inspection.service.js'
import { KeyTagService } from './key-tag.service.js'
import {
  defaultLoginLimits,
  type LoginLimits,
  LoginThrottle,
  MemoryThrottleStore,
  type ThrottleStore,
} from './login-throttle.js'
import { ModelService } from './model.service.js'
import { PasswordHasher } from './password-hasher.js'
import { RegistrySearchService } from './registry-search.service.js'
import type { ServiceDeps } from './service-deps.js'
import { TrackingService } from './tracking.service.js'
import { UploadService } from './upload.service.js'
import { VersionService } from './version.service.js'
import { WebhookService, type WebhookSettings } from './webhook.service.js'

export interface Services {
  /** Every service's dependencies, the store unnarrowed (the background work started in main.ts uses it). */
  readonly deps: ServiceDeps & { readonly store: Store }
  readonly models: ModelService
  readonly versions: VersionService
  readonly aliases: AliasService
  readonly artifacts: ArtifactService
  readonly uploads: UploadService
  readonly deployments: DeploymentService
  readonly events: EventService
  readonly auth: AuthService
  readonly identity: IdentityService
  readonly audit: AuditService
  readonly analytics: AnalyticsService
  readonly webhooks: WebhookService
  readonly keyTags: KeyTagService
  readonly tracking: TrackingService
  readonly registrySearch: RegistrySearchService
  readonly inspections: InspectionService
  readonly compare: CompareService
  /** What the Hugging Face API (compat/hf) reads of models, versions and files, and its LFS objects. */
  readonly hfRepos: HfRepoService
  readonly hfLfs: HfLfsService
}

/** Sign-in throttling and password hashing; defaults from login-throttle.ts. */
export interface LoginOptions {
  limits?: Partial<LoginLimits>
  /** Where the throttle's counters live (default: this process's memory, bounded). */
  store?: ThrottleStore
  /** Password hashes at once (default 2: below libuv's default thread pool of 4). */
  hashConcurrency?: number
  /** The throttle's clock, ms since the epoch (tests move it). */
  now?: () => number
}

export function createServices(deps: {
  store: Store
  blobs: BlobStore
  parts: PartStore
  clock?: () => string
  limits?: ServiceDeps['limits']
  login?: LoginOptions
  /** Webhook URLs allowed, secret overlap (default: public receivers only). */
  webhooks?: WebhookSettings
}): Services {
  const full: Services['deps'] = {
    store: deps.store,
    blobs: deps.blobs,
    clock: deps.clock ?? (() => new Date().toISOString()),
    limits: deps.limits ?? {},
  }
  const inspections = new InspectionService(full)
  const artifacts = new ArtifactService(full, () => inspections.wake())
  const login = deps.login ?? {}
  const passwords = new PasswordHasher(
    { hash: hashPassword, verify: verifyPassword },
    { concurrency: login.hashConcurrency ?? 2, maxWaiting: 64 },
  )
  const limits = { ...defaultLoginLimits, ...login.limits }
  // The slowdown over all addresses starts only after more failures than one address may make.
  limits.accountFreeFailures = Math.max(limits.accountFreeFailures, 2 * limits.maxFailures)
  const throttle = new LoginThrottle(login.store ?? new MemoryThrottleStore(), limits, login.now)
  return {
    deps: full,
    models: new ModelService(full),
    versions: new VersionService(full, () => inspections.wake()),
    aliases: new AliasService(full),
    artifacts,
    uploads: new UploadService(full, deps.parts, artifacts),
    deployments: new DeploymentService(full),
    events: new EventService(full),
    auth: new AuthService(full, throttle, passwords),
    identity: new IdentityService(full, passwords),
    audit: new AuditService(full),
    analytics: new AnalyticsService(full),
    webhooks: new WebhookService(full, deps.webhooks ?? { allowPrivate: false }, () => deps.store.deliveriesQueued()),
    keyTags: new KeyTagService(full),
    tracking: new TrackingService(full),
    registrySearch: new RegistrySearchService(full),
    inspections,
    compare: new CompareService(full, inspections),
    hfRepos: new HfRepoService(full),
    hfLfs: new HfLfsService(full, artifacts),
  }
}
