// The one place that reads process.env: validated once at start, frozen, passed down.
import net from 'node:net'
import path from 'node:path'
import type { S3BlobStoreOptions } from '../blobs/s3-blob-store.js'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
const logLevels: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

export interface Config {
  readonly port: number
  readonly host: string
  readonly dataDir: string
  /** `sqlite:<file>` (default, under dataDir) or a postgres:// URL. */
  readonly database:
    | { readonly kind: 'sqlite'; readonly file: string }
    | { readonly kind: 'postgres'; readonly url: string }
  readonly logLevel: LogLevel
  /** Local blob directory (default backend, and staging of upload parts): <dataDir>/blobs. */
  readonly blobRoot: string
  /** Who sends the bytes of a download: the registry itself, S3 (presigned redirect) or a fronting nginx. */
  readonly downloads: Readonly<DownloadOffload>
  /** Password of the "admin" user created on first start; a one-time password is printed when unset. */
  readonly adminPassword?: string
  /**
   * Secure flag of the session cookie on every response: on when the public URL is https, or (no public URL) unless
   * the registry listens on loopback only. When off, a request that arrived over HTTPS still gets a Secure cookie.
   */
  readonly secureCookies: boolean
  /** The URL browsers use (e.g. https://models.example.com behind a TLS-terminating proxy). */
  readonly publicUrl?: string
  /**
   * Addresses (IPs, CIDRs, or loopback/linklocal/uniquelocal) of reverse proxies whose X-Forwarded-For and
   * X-Forwarded-Proto are believed; from anyone else those headers are ignored.
   */
  readonly trustedProxies: readonly string[]
  /** Sign-in throttling and password hashing (docs/security.md). */
  readonly login: Readonly<LoginSettings>
  /** S3-compatible object storage for blobs instead of the local directory. */
  readonly s3?: Readonly<S3BlobStoreOptions>
  /** Largest artifact accepted, in bytes; unlimited when unset. */
  readonly maxArtifactBytes?: number
  /** Resumable uploads: what one user may have open, and how often expired sessions are swept. */
  readonly uploads: Readonly<UploadSettings>
  /** HTTP server timeouts and connection cap (docs/security.md, "Limits and their settings"). */
  readonly http: Readonly<HttpSettings>
  /** Bearer token that opens GET /metrics to callers other than loopback (docs/operations.md). */
  readonly metricsToken?: string
  /** After SIGTERM, how long transfers in flight may take to finish before the process exits anyway. */
  readonly shutdownGraceMs: number
  /** Webhook deliveries (docs/webhooks.md). */
  readonly webhooks: Readonly<WebhookDeliverySettings>
  /** Inspection of uploaded files in worker threads (docs/inspection.md). */
  readonly inspection: Readonly<InspectionSettings>
  /** The Hugging Face Hub–compatible API under /hf (docs/huggingface.md). */
  readonly hf: Readonly<HfSettings>
}

export interface HfSettings {
  /**
   * Web origins whose scripts may call /hf (CORS), e.g. `https://app.example.com`; `*` for any. None by default:
   * a browser app must be named before its scripts can read the registry's models (ADR 0026).
   */
  corsOrigins: readonly string[]
}

export interface WebhookDeliverySettings {
  /** Receivers on loopback, private and link-local addresses allowed (never cloud metadata addresses). */
  allowPrivate: boolean
  /** Deadline of one delivery attempt, connection to last byte read. */
  timeoutMs: number
}

export interface InspectionSettings {
  /** Files inspected at once on this replica (0 turns this replica's inspection off). */
  concurrency: number
  /** A file's inspection is stopped (unscannable) after this many ms. */
  timeoutMs: number
  /** Heap of one inspection worker thread, in MB. */
  maxHeapMb: number
  /** Bytes one file's inspection may read. */
  maxBytesRead: number
  /** How long a move to Production or a deployment waits for files still being inspected (ADR 0025). */
  gateWaitMs: number
  /** Niceness of the inspection threads on Linux (0–19): they yield the CPU to request handling. */
  nice: number
}

export interface UploadSettings {
  /** Open (unexpired) upload sessions per user. */
  maxSessionsPerUser: number
  /** Bytes of received parts in one user's open sessions. */
  maxBytesPerUser: number
  /** Seconds between sweeps of expired sessions and leftover parts. */
  sweepSeconds: number
}

/** Idle-based timeouts only: a transfer of many GB runs as long as bytes keep moving. */
export interface HttpSettings {
  /** A client must have sent the whole request head within this many ms of starting it (408 after). */
  headersTimeoutMs: number
  /** A connection on which nothing moves either way for this long is closed (mid-request included). */
  idleTimeoutMs: number
  /** A kept-alive connection waiting for its next request is closed after this long. */
  keepAliveTimeoutMs: number
  /** Open connections at most; more are refused at once. */
  maxConnections: number
}

/** The defaults of loadConfig, also buildApp's when a caller passes none. */
export const defaultHttpSettings: Readonly<HttpSettings> = Object.freeze({
  headersTimeoutMs: 20_000,
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 72_000,
  maxConnections: 1000,
})

export interface DownloadOffload {
  mode: 'none' | 'presigned' | 'x-accel'
  /** Lifetime of a presigned URL (S3). */
  presignTtlSeconds: number
  /** nginx internal location that maps to <blobRoot>/blobs/sha256/ (local store). */
  accelPrefix: string
}

export interface LoginSettings {
  /** Failed sign-ins of one account from one address within the window before that pair is refused (429). */
  maxFailures: number
  /** Failed sign-ins from one address (any accounts) within the window before the address is refused. */
  maxFailuresPerAddress: number
  /** Password hashes computed at once; below the libuv thread pool size, which file I/O shares. */
  hashConcurrency: number
}

export class ConfigError extends Error {}

const proxyNames = ['loopback', 'linklocal', 'uniquelocal']

/** An IP address, a CIDR range or one of proxy-addr's names. */
function isProxyAddress(entry: string): boolean {
  if (proxyNames.includes(entry)) return true
  const [ip, bits, ...rest] = entry.split('/')
  const family = net.isIP(ip ?? '')
  if (family === 0 || rest.length > 0) return false
  if (bits === undefined) return true
  const n = Number(bits)
  return /^\d+$/.test(bits) && n <= (family === 4 ? 32 : 128)
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, problems: string[]): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isSafeInteger(n) || n <= 0) problems.push(`${name} must be a positive integer, got "${raw}"`)
  return n
}

function niceness(env: NodeJS.ProcessEnv, problems: string[]): number {
  const raw = env.MODELREG_INSPECTION_NICE
  if (raw === undefined || raw === '') return 10
  const n = Number(raw)
  if (!/^\d+$/.test(raw) || n > 19) problems.push(`MODELREG_INSPECTION_NICE must be an integer 0–19, got "${raw}"`)
  return n
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const problems: string[] = []
  const port = Number(env.PORT ?? '8080')
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be an integer 0–65535, got "${env.PORT}"`)
  const host = env.HOST ?? '127.0.0.1'
  if (host.trim() === '') problems.push('HOST must not be empty')
  const dataDir = path.resolve(env.MODELREG_DATA_DIR ?? './data')
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel
  if (!logLevels.includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')}, got "${env.LOG_LEVEL}"`)

  let database: Config['database'] = { kind: 'sqlite', file: path.join(dataDir, 'modelreg.sqlite') }
  const url = env.DATABASE_URL
  if (url !== undefined && url !== '') {
    if (/^postgres(ql)?:\/\//.test(url)) database = { kind: 'postgres', url }
    else if (url.startsWith('sqlite:'))
      database = { kind: 'sqlite', file: url === 'sqlite::memory:' ? ':memory:' : path.resolve(url.slice(7)) }
    else problems.push('DATABASE_URL must be a postgres:// URL or sqlite:<file>')
  }
  let maxArtifactBytes: number | undefined
  const max = env.MODELREG_MAX_ARTIFACT_BYTES
  if (max !== undefined && max !== '') {
    maxArtifactBytes = Number(max)
    if (!Number.isSafeInteger(maxArtifactBytes) || maxArtifactBytes <= 0) {
      problems.push(`MODELREG_MAX_ARTIFACT_BYTES must be a positive integer (bytes), got "${max}"`)
    }
  }
  let s3: S3BlobStoreOptions | undefined
  const backend = env.MODELREG_BLOB_STORE ?? 'fs'
  if (backend === 's3') {
    const bucket = env.MODELREG_S3_BUCKET
    if (!bucket) problems.push('MODELREG_S3_BUCKET is required when MODELREG_BLOB_STORE=s3')
    const endpoint = env.MODELREG_S3_ENDPOINT || undefined
    if (endpoint !== undefined && !/^https?:\/\//.test(endpoint))
      problems.push(`MODELREG_S3_ENDPOINT must be an http(s) URL, got "${endpoint}"`)
    const pathStyle = env.MODELREG_S3_FORCE_PATH_STYLE
    if (pathStyle !== undefined && pathStyle !== 'true' && pathStyle !== 'false') {
      problems.push(`MODELREG_S3_FORCE_PATH_STYLE must be true or false, got "${pathStyle}"`)
    }
    s3 = {
      bucket: bucket ?? '',
      endpoint,
      region: env.MODELREG_S3_REGION || 'us-east-1',
      prefix: env.MODELREG_S3_PREFIX || '',
      accessKeyId: env.MODELREG_S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.MODELREG_S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: pathStyle === undefined ? endpoint !== undefined : pathStyle === 'true',
    }
  } else if (backend !== 'fs') {
    problems.push(`MODELREG_BLOB_STORE must be fs or s3, got "${backend}"`)
  }
  const mode = (env.MODELREG_DOWNLOAD_OFFLOAD ?? 'none') as DownloadOffload['mode']
  if (!['none', 'presigned', 'x-accel'].includes(mode)) {
    problems.push(`MODELREG_DOWNLOAD_OFFLOAD must be none, presigned or x-accel, got "${mode}"`)
  } else if (mode === 'presigned' && s3 === undefined) {
    problems.push('MODELREG_DOWNLOAD_OFFLOAD=presigned needs MODELREG_BLOB_STORE=s3')
  } else if (mode === 'x-accel' && s3 !== undefined) {
    problems.push('MODELREG_DOWNLOAD_OFFLOAD=x-accel needs the local blob store')
  }
  const ttl = Number(env.MODELREG_PRESIGN_TTL_SECONDS ?? '300')
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 604_800) {
    problems.push(`MODELREG_PRESIGN_TTL_SECONDS must be 1–604800, got "${env.MODELREG_PRESIGN_TTL_SECONDS}"`)
  }
  const accelPrefix = env.MODELREG_X_ACCEL_PREFIX ?? '/_modelreg_blobs/'
  if (!/^\/[A-Za-z0-9_\-/]*\/$/.test(accelPrefix)) {
    problems.push(`MODELREG_X_ACCEL_PREFIX must be a path that starts and ends with "/", got "${accelPrefix}"`)
  }
  const downloads: DownloadOffload = { mode, presignTtlSeconds: ttl, accelPrefix }
  const adminPassword = env.MODELREG_ADMIN_PASSWORD || undefined
  if (adminPassword !== undefined && [...adminPassword].length < 8)
    problems.push('MODELREG_ADMIN_PASSWORD must have at least 8 characters')
  const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost'
  const cookieSetting = env.MODELREG_COOKIE_SECURE ?? 'auto'
  if (!['auto', 'true', 'false'].includes(cookieSetting)) {
    problems.push(`MODELREG_COOKIE_SECURE must be auto, true or false, got "${cookieSetting}"`)
  }
  let publicUrl: string | undefined = env.MODELREG_PUBLIC_URL || undefined
  if (publicUrl !== undefined) {
    const parsed = URL.canParse(publicUrl) ? new URL(publicUrl) : undefined
    if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
      problems.push(`MODELREG_PUBLIC_URL must be an http(s) URL, got "${publicUrl}"`)
    } else publicUrl = parsed.origin + parsed.pathname.replace(/\/$/, '')
  }
  const https = publicUrl?.startsWith('https:')
  const secureCookies = cookieSetting === 'auto' ? (https ?? !loopback) : cookieSetting === 'true'
  const trustedProxies = (env.MODELREG_TRUSTED_PROXIES ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
  for (const entry of trustedProxies.filter((p) => !isProxyAddress(p))) {
    problems.push(`MODELREG_TRUSTED_PROXIES: "${entry}" is not an IP address, a CIDR range or ${proxyNames.join('/')}`)
  }
  const threads = Number(env.UV_THREADPOOL_SIZE || '4')
  const login: LoginSettings = {
    maxFailures: positiveInt(env, 'MODELREG_LOGIN_MAX_FAILURES', 5, problems),
    maxFailuresPerAddress: positiveInt(env, 'MODELREG_LOGIN_MAX_FAILURES_PER_ADDRESS', 20, problems),
    hashConcurrency: positiveInt(
      env,
      'MODELREG_PASSWORD_HASH_CONCURRENCY',
      Math.max(1, Math.floor(threads / 2)),
      problems,
    ),
  }
  if (Number.isInteger(threads) && threads > 1 && login.hashConcurrency >= threads) {
    problems.push(
      `MODELREG_PASSWORD_HASH_CONCURRENCY must be below UV_THREADPOOL_SIZE (${threads}): file I/O shares those threads`,
    )
  }
  // An upload may always hold one artifact of the largest size: the per-user default grows with the limit.
  const uploads: UploadSettings = {
    maxSessionsPerUser: positiveInt(env, 'MODELREG_MAX_UPLOAD_SESSIONS_PER_USER', 20, problems),
    maxBytesPerUser: positiveInt(
      env,
      'MODELREG_MAX_UPLOAD_BYTES_PER_USER',
      Math.max(256 * 1024 ** 3, maxArtifactBytes ?? 0),
      problems,
    ),
    sweepSeconds: positiveInt(env, 'MODELREG_UPLOAD_SWEEP_SECONDS', 600, problems),
  }
  if (maxArtifactBytes !== undefined && uploads.maxBytesPerUser < maxArtifactBytes) {
    problems.push('MODELREG_MAX_UPLOAD_BYTES_PER_USER must be at least MODELREG_MAX_ARTIFACT_BYTES')
  }
  const seconds = (name: string, fallbackMs: number) => positiveInt(env, name, fallbackMs / 1000, problems) * 1000
  const http: HttpSettings = {
    headersTimeoutMs: seconds('MODELREG_HEADERS_TIMEOUT_SECONDS', defaultHttpSettings.headersTimeoutMs),
    idleTimeoutMs: seconds('MODELREG_IDLE_TIMEOUT_SECONDS', defaultHttpSettings.idleTimeoutMs),
    keepAliveTimeoutMs: seconds('MODELREG_KEEP_ALIVE_TIMEOUT_SECONDS', defaultHttpSettings.keepAliveTimeoutMs),
    maxConnections: positiveInt(env, 'MODELREG_MAX_CONNECTIONS', defaultHttpSettings.maxConnections, problems),
  }
  const metricsToken = env.MODELREG_METRICS_TOKEN || undefined
  if (metricsToken !== undefined && metricsToken.length < 16)
    problems.push('MODELREG_METRICS_TOKEN must have at least 16 characters')
  const shutdownGraceMs = positiveInt(env, 'MODELREG_SHUTDOWN_GRACE_SECONDS', 60, problems) * 1000
  const allowPrivate = env.MODELREG_WEBHOOK_ALLOW_PRIVATE ?? 'false'
  if (allowPrivate !== 'true' && allowPrivate !== 'false') {
    problems.push(`MODELREG_WEBHOOK_ALLOW_PRIVATE must be true or false, got "${allowPrivate}"`)
  }
  const webhooks: WebhookDeliverySettings = {
    allowPrivate: allowPrivate === 'true',
    timeoutMs: positiveInt(env, 'MODELREG_WEBHOOK_TIMEOUT_SECONDS', 10, problems) * 1000,
  }
  const inspectionConcurrency =
    env.MODELREG_INSPECTION_CONCURRENCY === '0' ? 0 : positiveInt(env, 'MODELREG_INSPECTION_CONCURRENCY', 1, problems)
  const inspection: InspectionSettings = {
    concurrency: inspectionConcurrency,
    timeoutMs: positiveInt(env, 'MODELREG_INSPECTION_TIMEOUT_SECONDS', 60, problems) * 1000,
    maxHeapMb: positiveInt(env, 'MODELREG_INSPECTION_MAX_HEAP_MB', 256, problems),
    maxBytesRead: positiveInt(env, 'MODELREG_INSPECTION_MAX_READ_MB', 256, problems) * 1024 * 1024,
    nice: niceness(env, problems),
    gateWaitMs:
      env.MODELREG_INSPECTION_GATE_WAIT_SECONDS === '0'
        ? 0
        : positiveInt(env, 'MODELREG_INSPECTION_GATE_WAIT_SECONDS', 10, problems) * 1000,
  }
  const corsOrigins = (env.MODELREG_HF_CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '')
  for (const entry of corsOrigins) {
    const parsed = URL.canParse(entry) ? new URL(entry) : undefined
    const isOrigin = parsed !== undefined && /^https?:$/.test(parsed.protocol) && parsed.origin === entry
    if (entry !== '*' && !isOrigin) {
      problems.push(`MODELREG_HF_CORS_ORIGINS: "${entry}" is not an origin such as https://app.example.com, or *`)
    }
  }
  if (corsOrigins.includes('*') && corsOrigins.length > 1) {
    problems.push('MODELREG_HF_CORS_ORIGINS: * allows every origin and cannot be listed with others')
  }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  return Object.freeze({
    port,
    host,
    dataDir,
    database,
    logLevel,
    blobRoot: path.join(dataDir, 'blobs'),
    maxArtifactBytes,
    uploads,
    http,
    s3,
    downloads,
    adminPassword,
    secureCookies,
    publicUrl,
    trustedProxies,
    login,
    metricsToken,
    shutdownGraceMs,
    webhooks,
    inspection,
    hf: { corsOrigins },
  })
}
