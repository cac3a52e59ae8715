import type { Store } from '../repositories/repositories.js'
import { DeploymentService } from './deployment.service.js'
import { EventService } from './event.service.js'
import { ModelService } from './model.service.js'
import type { ServiceDeps } from './service-deps.js'
import { VersionService } from './version.service.js'

export interface Services {
  readonly models: ModelService
  readonly versions: VersionService
  readonly deployments: DeploymentService
  readonly events: EventService
}

export function createServices(store: Store, clock: () => string = () => new Date().toISOString()): Services {
  const deps: ServiceDeps = { store, clock }
  return {
    models: new ModelService(deps),
    versions: new VersionService(deps),
    deployments: new DeploymentService(deps),
    events: new EventService(deps),
  }
}
