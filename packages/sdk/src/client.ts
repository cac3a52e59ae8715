// A small typed client over fetch; works in Node 20 and browsers. Types come from the contract package.
import type {
  ChangeStageBody,
  CreateDeploymentBody,
  CreateModelBody,
  CreateVersionBody,
  Deployment,
  ErrorResponse,
  ListModelsQuery,
  ListVersionsQuery,
  Model,
  ModelPage,
  StageChangeResult,
  UpdateModelBody,
  UpdateVersionBody,
  Version,
  VersionPage,
} from '@modelreg/contract'
import { ModelregError } from './errors.js'

export interface ClientOptions {
  /** Registry base URL, e.g. http://127.0.0.1:8080 */
  baseUrl: string
  token?: string
  fetch?: typeof fetch
}

const seg = encodeURIComponent

/**
 * @example
 * const registry = new ModelregClient({ baseUrl: 'http://127.0.0.1:8080' })
 * const page = await registry.listModels({ q: 'resnet', limit: 20 })
 */
export class ModelregClient {
  private readonly baseUrl: string
  private readonly fetchFn: typeof fetch

  constructor(private readonly options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis)
  }

  listModels(query: ListModelsQuery = {}): Promise<ModelPage> {
    return this.request('GET', '/api/v1/models', { query })
  }
  getModel(org: string, name: string): Promise<Model> {
    return this.request('GET', `/api/v1/models/${seg(org)}/${seg(name)}`)
  }
  createModel(body: CreateModelBody): Promise<Model> {
    return this.request('POST', '/api/v1/models', { body })
  }
  updateModel(org: string, name: string, body: UpdateModelBody): Promise<Model> {
    return this.request('PATCH', `/api/v1/models/${seg(org)}/${seg(name)}`, { body })
  }
  deleteModel(org: string, name: string): Promise<void> {
    return this.request('DELETE', `/api/v1/models/${seg(org)}/${seg(name)}`)
  }
  listVersions(org: string, name: string, query: ListVersionsQuery = {}): Promise<VersionPage> {
    return this.request('GET', `/api/v1/models/${seg(org)}/${seg(name)}/versions`, { query })
  }
  getVersion(org: string, name: string, version = 'latest'): Promise<Version> {
    return this.request('GET', `/api/v1/models/${seg(org)}/${seg(name)}/versions/${seg(version)}`)
  }
  createVersion(org: string, name: string, body: CreateVersionBody): Promise<Version> {
    return this.request('POST', `/api/v1/models/${seg(org)}/${seg(name)}/versions`, { body })
  }
  updateVersion(org: string, name: string, version: string, body: UpdateVersionBody): Promise<Version> {
    return this.request('PATCH', `/api/v1/models/${seg(org)}/${seg(name)}/versions/${seg(version)}`, { body })
  }
  changeStage(org: string, name: string, version: string, body: ChangeStageBody): Promise<StageChangeResult> {
    return this.request('POST', `/api/v1/models/${seg(org)}/${seg(name)}/versions/${seg(version)}/stage`, { body })
  }
  startDeployment(body: CreateDeploymentBody): Promise<Deployment> {
    return this.request('POST', '/api/v1/deployments', { body })
  }
  stopDeployment(id: string): Promise<Deployment> {
    return this.request('POST', `/api/v1/deployments/${seg(id)}/stop`)
  }

  private async request<T>(method: string, path: string, opts: { query?: object; body?: unknown } = {}): Promise<T> {
    const url = new URL(this.baseUrl + path)
    for (const [key, value] of Object.entries(opts.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value])
        if (v !== undefined) url.searchParams.append(key, String(v))
    }
    const headers: Record<string, string> = { accept: 'application/json' }
    if (opts.body !== undefined) headers['content-type'] = 'application/json'
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`
    let res: Response
    try {
      res = await this.fetchFn(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      })
    } catch (err) {
      throw new ModelregError(0, 'NETWORK', `cannot reach the registry at ${this.baseUrl}: ${String(err)}`)
    }
    if (res.status === 204) return undefined as T
    const text = await res.text()
    const data: unknown = text === '' ? undefined : JSON.parse(text)
    if (!res.ok) {
      const e = (data as ErrorResponse | undefined)?.error
      throw new ModelregError(res.status, e?.code ?? 'INTERNAL', e?.message ?? `HTTP ${res.status}`, e?.details)
    }
    return data as T
  }
}
