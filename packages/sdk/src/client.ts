// ModelregClient: named methods over the typed client, for scripts that prefer `registry.getModel(...)` to
// spelling out paths. Every method throws ModelregError on an error answer.
import type {
  ArtifactList,
  ChangeStageBody,
  CreateDeploymentBody,
  CreateModelBody,
  CreateVersionBody,
  Deployment,
  ListDeploymentsQuery,
  ListModelsQuery,
  ListVersionsQuery,
  Model,
  ModelPage,
  SessionInfo,
  StageChangeResult,
  UpdateModelBody,
  UpdateVersionBody,
  Version,
  VersionPage,
} from '@modelreg/contract'
import { type ApiClient, createApiClient, unwrap } from './api-client.js'
import type { ApiClientOptions } from './transport.js'

/** @deprecated name kept for existing callers: use ApiClientOptions. */
export type ClientOptions = ApiClientOptions

/**
 * @example
 * const registry = new ModelregClient({ baseUrl: 'http://127.0.0.1:8080', token })
 * const page = await registry.listModels({ q: 'resnet', limit: 20 })
 */
export class ModelregClient {
  /** The typed client underneath, for routes without a method here. */
  readonly api: ApiClient

  constructor(readonly options: ApiClientOptions) {
    this.api = createApiClient(options)
  }

  async whoami(): Promise<SessionInfo> {
    return unwrap(await this.api.GET('/api/v1/auth/session'))
  }
  async listModels(query: ListModelsQuery = {}): Promise<ModelPage> {
    return unwrap(await this.api.GET('/api/v1/models', { params: { query } }))
  }
  async getModel(org: string, name: string): Promise<Model> {
    return unwrap(await this.api.GET('/api/v1/models/{org}/{name}', { params: { path: { org, name } } }))
  }
  async createModel(body: CreateModelBody): Promise<Model> {
    return unwrap(await this.api.POST('/api/v1/models', { body }))
  }
  async updateModel(org: string, name: string, body: UpdateModelBody): Promise<Model> {
    return unwrap(await this.api.PATCH('/api/v1/models/{org}/{name}', { params: { path: { org, name } }, body }))
  }
  async deleteModel(org: string, name: string): Promise<void> {
    unwrap(await this.api.DELETE('/api/v1/models/{org}/{name}', { params: { path: { org, name } } }))
  }
  async listVersions(org: string, name: string, query: ListVersionsQuery = {}): Promise<VersionPage> {
    return unwrap(
      await this.api.GET('/api/v1/models/{org}/{name}/versions', { params: { path: { org, name }, query } }),
    )
  }
  async getVersion(org: string, name: string, version = 'latest'): Promise<Version> {
    return unwrap(
      await this.api.GET('/api/v1/models/{org}/{name}/versions/{version}', {
        params: { path: { org, name, version } },
      }),
    )
  }
  async createVersion(org: string, name: string, body: CreateVersionBody): Promise<Version> {
    return unwrap(
      await this.api.POST('/api/v1/models/{org}/{name}/versions', { params: { path: { org, name } }, body }),
    )
  }
  async updateVersion(org: string, name: string, version: string, body: UpdateVersionBody): Promise<Version> {
    return unwrap(
      await this.api.PATCH('/api/v1/models/{org}/{name}/versions/{version}', {
        params: { path: { org, name, version } },
        body,
      }),
    )
  }
  async changeStage(org: string, name: string, version: string, body: ChangeStageBody): Promise<StageChangeResult> {
    return unwrap(
      await this.api.POST('/api/v1/models/{org}/{name}/versions/{version}/stage', {
        params: { path: { org, name, version } },
        body,
      }),
    )
  }
  async listArtifacts(org: string, name: string, version: string): Promise<ArtifactList> {
    return unwrap(
      await this.api.GET('/api/v1/models/{org}/{name}/versions/{version}/artifacts', {
        params: { path: { org, name, version } },
      }),
    )
  }
  async startDeployment(body: CreateDeploymentBody): Promise<Deployment> {
    return unwrap(await this.api.POST('/api/v1/deployments', { body }))
  }
  async listDeployments(query: ListDeploymentsQuery = {}): Promise<{ items: Deployment[]; nextCursor: string | null }> {
    return unwrap(await this.api.GET('/api/v1/deployments', { params: { query } }))
  }
  async stopDeployment(id: string): Promise<Deployment> {
    return unwrap(await this.api.POST('/api/v1/deployments/{id}/stop', { params: { path: { id } } }))
  }
}
