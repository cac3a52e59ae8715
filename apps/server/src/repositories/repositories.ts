// The repositories bound to one executor (the pool, or a transaction), and the way to open a transaction.
import type { Kysely } from 'kysely'
import type { Db, Dialect } from '../db/database.js'
import type { Database } from '../db/schema.js'
import { AliasRepository } from './alias.repository.js'
import { AnalyticsRepository } from './analytics.repository.js'
import { ArtifactRepository } from './artifact.repository.js'
import { AuditRepository } from './audit.repository.js'
import { BlobRepository } from './blob.repository.js'
import { CredentialRepository } from './credential.repository.js'
import { DeploymentRepository } from './deployment.repository.js'
import { EventRepository } from './event.repository.js'
import { GrantRepository } from './grant.repository.js'
import { HfLfsObjectRepository } from './hf-lfs-object.repository.js'
import { InspectionRepository } from './inspection.repository.js'
import { KeyTagRepository } from './key-tag.repository.js'
import { ModelRepository } from './model.repository.js'
import { OrganisationRepository } from './organisation.repository.js'
import { RegistrySearchRepository } from './registry-search.repository.js'
import { StageTransitionRepository } from './stage-transition.repository.js'
import { TrackingRepository } from './tracking.repository.js'
import { UploadSessionRepository } from './upload-session.repository.js'
import { UserRepository } from './user.repository.js'
import { VersionRepository } from './version.repository.js'
import { WebhookRepository } from './webhook.repository.js'

export class Repositories {
  readonly organisations: OrganisationRepository
  readonly models: ModelRepository
  readonly versions: VersionRepository
  readonly stageTransitions: StageTransitionRepository
  readonly deployments: DeploymentRepository
  readonly events: EventRepository
  readonly artifacts: ArtifactRepository
  readonly blobs: BlobRepository
  readonly uploads: UploadSessionRepository
  readonly users: UserRepository
  readonly credentials: CredentialRepository
  readonly grants: GrantRepository
  readonly audit: AuditRepository
  readonly analytics: AnalyticsRepository
  readonly aliases: AliasRepository
  readonly webhooks: WebhookRepository
  readonly keyTags: KeyTagRepository
  readonly tracking: TrackingRepository
  readonly registrySearch: RegistrySearchRepository
  readonly inspections: InspectionRepository
  readonly hfLfsObjects: HfLfsObjectRepository

  /** `queued` is told when a write queued webhook deliveries (after its transaction commits, see Store). */
  constructor(db: Kysely<Database>, dialect: Dialect, queued: () => void = () => {}) {
    this.organisations = new OrganisationRepository(db)
    this.models = new ModelRepository(db, dialect)
    this.versions = new VersionRepository(db)
    this.stageTransitions = new StageTransitionRepository(db)
    this.deployments = new DeploymentRepository(db)
    this.webhooks = new WebhookRepository(db)
    this.events = new EventRepository(db, { webhooks: this.webhooks, queued })
    this.artifacts = new ArtifactRepository(db)
    this.blobs = new BlobRepository(db)
    this.uploads = new UploadSessionRepository(db)
    this.users = new UserRepository(db)
    this.credentials = new CredentialRepository(db)
    this.grants = new GrantRepository(db)
    this.audit = new AuditRepository(db)
    this.analytics = new AnalyticsRepository(db, dialect)
    this.aliases = new AliasRepository(db)
    this.keyTags = new KeyTagRepository(db)
    this.tracking = new TrackingRepository(db, dialect)
    this.registrySearch = new RegistrySearchRepository(db, dialect)
    this.inspections = new InspectionRepository(db)
    this.hfLfsObjects = new HfLfsObjectRepository(db)
  }
}

/** The name of one repository of a `Repositories` set. */
export type RepositoryName = keyof Repositories

/** Only the named repositories: what a service or helper declares it uses, so its reach is visible in its signature. */
export type RepositoriesOf<K extends RepositoryName> = Pick<Repositories, K>

/**
 * A store seen through the repositories one service uses. `Store` is one for every set of names; a service that
 * declares `StoreOf<'models' | 'versions'>` cannot reach the others.
 */
export interface StoreOf<K extends RepositoryName> {
  /** On the connection pool, outside a transaction: each statement commits on its own (reads, and single writes). */
  readonly pool: RepositoriesOf<K>
  /** Runs fn in one transaction; everything it writes commits or rolls back together. */
  transaction<T>(fn: (repos: RepositoriesOf<K>) => Promise<T>): Promise<T>
}

export class Store implements StoreOf<RepositoryName> {
  /** On the connection pool, outside a transaction: each statement commits on its own (reads, and single writes). */
  readonly pool: Repositories
  private readonly deliveryListeners = new Set<() => void>()

  constructor(private readonly db: Db) {
    this.pool = new Repositories(db.kysely, db.dialect, () => this.deliveriesQueued())
  }

  /** Runs fn in one transaction; everything it writes commits or rolls back together. */
  async transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    let queued = false
    const result = await this.db.kysely.transaction().execute((trx) =>
      fn(
        new Repositories(trx, this.db.dialect, () => {
          queued = true
        }),
      ),
    )
    // Only once committed may the webhook worker see the deliveries.
    if (queued) this.deliveriesQueued()
    return result
  }

  /** Calls `listener` whenever committed writes queued webhook deliveries (the worker wakes on it). */
  onDeliveriesQueued(listener: () => void): () => void {
    this.deliveryListeners.add(listener)
    return () => this.deliveryListeners.delete(listener)
  }

  /** Tells the listeners that deliveries were queued outside an event (redeliver, ping), once committed. */
  deliveriesQueued(): void {
    for (const listener of this.deliveryListeners) listener()
  }
}
