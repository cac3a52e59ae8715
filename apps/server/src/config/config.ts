// The one place that reads process.env: validated once at start, frozen, passed down.
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
  /** S3-compatible object storage for blobs instead of the local directory. */
  readonly s3?: Readonly<S3BlobStoreOptions>
  /** Largest artifact accepted, in bytes; unlimited when unset. */
  readonly maxArtifactBytes?: number
}

export class ConfigError extends Error {}

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
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  return Object.freeze({
    port,
    host,
    dataDir,
    database,
    logLevel,
    blobRoot: path.join(dataDir, 'blobs'),
    maxArtifactBytes,
    s3,
  })
}
