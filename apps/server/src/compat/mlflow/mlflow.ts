// The MLflow-compatible API: registry, tracking and artifact proxy, at /api/2.0/… (organisation "default") and at
// /mlflow/{org}/api/2.0/… (a tracking URI of http://host/mlflow/{org}). Errors in MLflow's shape throughout.
import type { App } from '../../routes/route-types.js'
import type { Services } from '../../services/services.js'
import { mlflowArtifactRoutes } from './mlflow-artifacts.routes.js'
import { mlflowErrorHandler } from './mlflow-errors.js'
import { mlflowRegistryRoutes } from './mlflow-registry.routes.js'
import { mlflowTrackingRoutes } from './mlflow-tracking.routes.js'

export async function mlflowApi(app: App, services: Services): Promise<void> {
  for (const prefix of ['', '/mlflow/:org']) {
    await app.register(
      async (scope) => {
        scope.setErrorHandler(mlflowErrorHandler)
        mlflowRegistryRoutes(scope, services)
        mlflowTrackingRoutes(scope, services)
        await scope.register(async (files) => mlflowArtifactRoutes(files, services))
      },
      { prefix },
    )
  }
}
