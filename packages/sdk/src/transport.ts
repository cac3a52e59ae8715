// The connection settings shared by the typed client and the raw byte transfers (artifacts, upload parts),
// which OpenAPI types cannot describe. Browser-safe: fetch, Headers and Blob only.
import { errorFromFailure, errorFromResponse } from './errors.js'

export interface ApiClientOptions {
  /** Registry base URL, e.g. http://127.0.0.1:8080; '' for the page's own origin in a browser. */
  baseUrl: string
  /** A personal API token (mrt_…), sent as Authorization: Bearer. */
  token?: string
  /** Browsers: 'include' or 'same-origin' to send the session cookie. */
  credentials?: RequestCredentials
  /** Extra headers, or a function read on every request (e.g. the current x-csrf-token). */
  headers?: Record<string, string> | (() => Record<string, string>)
  fetch?: typeof fetch
}

/** Raw requests with the same base URL, credentials and headers as the typed client. */
export class Transport {
  readonly baseUrl: string
  private readonly fetchFn: typeof fetch

  constructor(readonly options: ApiClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '')
    this.fetchFn = options.fetch ?? globalThis.fetch.bind(globalThis)
  }

  /** The headers every request carries: the caller's, then the token. */
  headers(): Record<string, string> {
    const extra = typeof this.options.headers === 'function' ? this.options.headers() : this.options.headers
    const headers: Record<string, string> = { ...extra }
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`
    return headers
  }

  /**
   * Sends one request and returns the response when it is a success (2xx, or one of `accept`);
   * otherwise throws the ModelregError the registry answered, or NETWORK / ABORTED.
   */
  async send(path: string, init: RequestInit & { accept?: number[] } = {}): Promise<Response> {
    const { accept = [], headers, ...rest } = init
    let res: Response
    try {
      res = await this.fetchFn(this.baseUrl + path, {
        ...rest,
        credentials: this.options.credentials,
        headers: { ...this.headers(), ...(headers as Record<string, string> | undefined) },
      })
    } catch (err) {
      throw errorFromFailure(err, this.baseUrl)
    }
    if (res.ok || accept.includes(res.status)) return res
    throw await errorFromResponse(res)
  }

  /** send() for JSON answers. */
  async json<T>(path: string, init: RequestInit & { accept?: number[] } = {}): Promise<T> {
    const res = await this.send(path, { ...init, headers: { accept: 'application/json', ...init.headers } })
    return this.readJson<T>(res)
  }

  /** The JSON body of an answer; a connection cut while reading it is a (retryable) NETWORK error. */
  async readJson<T>(res: Response): Promise<T> {
    try {
      return (await res.json()) as T
    } catch (err) {
      if (err instanceof SyntaxError) throw err
      throw errorFromFailure(err, this.baseUrl)
    }
  }
}
