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
import { InspectionRepository } from './inspection.repository.js'
import { ModelRepository } from './model.repository.js'
import { OrganisationRepository } from './organisation.repository.js'
import { StageTransitionRepository } from './stage-transition.repository.js'
import { UploadSessionRepository } from './upload-session.repository.js'
import { UserRepository } from './user.repository.js'
import { VersionRepository } from './version.repository.js'

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
  readonly inspections: InspectionRepository

  constructor(db: Kysely<Database>, dialect: Dialect) {
    this.organisations = new OrganisationRepository(db)
    this.models = new ModelRepository(db, dialect)
    this.versions = new VersionRepository(db)
    this.stageTransitions = new StageTransitionRepository(db)
    this.deployments = new DeploymentRepository(db)
    this.events = new EventRepository(db)
    this.artifacts = new ArtifactRepository(db)
    this.blobs = new BlobRepository(db)
    this.uploads = new UploadSessionRepository(db)
    this.users = new UserRepository(db)
    this.credentials = new CredentialRepository(db)
    this.grants = new GrantRepository(db)
    this.audit = new AuditRepository(db)
    this.analytics = new AnalyticsRepository(db, dialect)
    this.aliases = new AliasRepository(db)
    this.inspections = new InspectionRepository(db)
  }
}

export class Store {
  readonly read: Repositories
  constructor(private readonly db: Db) {
    this.read = new Repositories(db.kysely, db.dialect)
  }
  /** Runs fn in one transaction; everything it writes commits or rolls back together. */
  transaction<T>(fn: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.db.kysely.transaction().execute((trx) => fn(new Repositories(trx, this.db.dialect)))
  }
}
