// The typed client: openapi-fetch over the paths generated from the registry's OpenAPI document.
import createClient, { type Client } from 'openapi-fetch'
import { errorFromBody, errorFromFailure, ModelregError } from './errors.js'
import type { paths } from './generated/api.js'
import { type ApiClientOptions, Transport } from './transport.js'

export type { paths } from './generated/api.js'
export type ApiClient = Client<paths>

// Helpers that move raw bytes (uploadArtifact) find the connection of a client made here.
const transports = new WeakMap<ApiClient, Transport>()

/**
 * A typed client for every route of the API.
 * @example
 * const api = createApiClient({ baseUrl: 'http://127.0.0.1:8080', token: process.env.MODELREG_TOKEN })
 * const page = unwrap(await api.GET('/api/v1/models', { params: { query: { q: 'resnet' } } }))
 */
export function createApiClient(options: ApiClientOptions): ApiClient {
  const transport = new Transport(options)
  const client = createClient<paths>({
    baseUrl: transport.baseUrl,
    credentials: options.credentials,
    // openapi-fetch calls fetch(request); a caller's fetch may expect (input, init), which a Request satisfies.
    fetch: options.fetch ? (request: Request) => (options.fetch as typeof fetch)(request) : undefined,
  })
  client.use({
    onRequest({ request }) {
      for (const [key, value] of Object.entries(transport.headers())) request.headers.set(key, value)
      return request
    },
    onError({ error }) {
      return errorFromFailure(error, transport.baseUrl)
    },
  })
  transports.set(client, transport)
  return client
}

/** The connection behind a client from createApiClient, or one made from options. */
export function transportOf(source: ApiClient | ApiClientOptions): Transport {
  if ('baseUrl' in source) return new Transport(source)
  const transport = transports.get(source)
  if (!transport) throw new TypeError('this client was not made by createApiClient(); pass its options instead')
  return transport
}

/** What openapi-fetch resolves to: data on success, the parsed error body otherwise. */
export interface ApiResult<T> {
  data?: T
  error?: unknown
  response: Response
}

/**
 * The data of a successful answer, or a thrown ModelregError with the API's code, message and details.
 * @example
 * const model = unwrap(await api.GET('/api/v1/models/{org}/{name}', { params: { path: { org, name } } }))
 */
export function unwrap<T>(result: ApiResult<T>): T {
  if (result.response.ok) return result.data as T
  const error = result.error
  throw error instanceof ModelregError ? error : errorFromBody(result.response, error)
}
