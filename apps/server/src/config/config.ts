// The one place that reads process.env: validated once at start, frozen, passed down.
import path from 'node:path'

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
  /** Local blob directory (default backend): <dataDir>/blobs. */
  readonly blobRoot: string
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
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`)
  return Object.freeze({
    port,
    host,
    dataDir,
    database,
    logLevel,
    blobRoot: path.join(dataDir, 'blobs'),
    maxArtifactBytes,
  })
}
