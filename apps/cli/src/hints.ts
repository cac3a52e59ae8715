// What to do next, for each kind of error the registry answers; printed under the error message.
import { ModelregError } from '@modelreg/sdk'
import type { Connection } from './config.js'

export function hintFor(err: ModelregError, connection?: Connection): string | undefined {
  const url = connection?.url ?? 'the registry'
  switch (err.code) {
    case 'NETWORK':
      return `is the registry running at ${url}? Pass --url or set MODELREG_URL`
    case 'UNAUTHENTICATED':
      return connection?.source.token === 'env'
        ? 'MODELREG_TOKEN was refused (wrong, expired or revoked): set a valid token'
        : 'the token was refused (wrong, expired or revoked): run `modelreg login` with a new token'
    case 'FORBIDDEN':
      return 'your role or token scope does not allow this (a read token cannot write)'
    case 'NOT_FOUND':
      return 'check the name with `modelreg models ls`; models you may not see also answer "not found"'
    case 'ALREADY_EXISTS': {
      const next = nextOf(err.details)
      return next ? `free versions: ${next.patch} (patch), ${next.minor} (minor), ${next.major} (major)` : undefined
    }
    case 'VERSION_FROZEN':
      return 'files and metrics of a completed, deployed or archived version never change: use a new version'
    case 'MODEL_DEPLOYED':
      return 'stop its deployments first: `modelreg undeploy <model>@<version> --env <environment>`'
    case 'ALIAS_IN_USE':
      return 'move its aliases first: `modelreg alias ls <model>`, then `modelreg alias set` or `modelreg alias rm`'
    case 'CHECKSUM_MISMATCH':
      return 'the bytes changed on the way or on disk; run the command again'
    case 'TOO_MANY_REQUESTS':
    case 'UNAVAILABLE':
      return 'the registry is busy; try again in a moment'
    default:
      return err.retryable && err.requestId
        ? `the server log has the cause under request id ${err.requestId}`
        : undefined
  }
}

export function nextOf(details: unknown): { major: string; minor: string; patch: string } | undefined {
  const next = typeof details === 'object' && details !== null ? (details as { next?: unknown }).next : undefined
  if (typeof next !== 'object' || next === null) return undefined
  const { major, minor, patch } = next as Record<string, unknown>
  return typeof major === 'string' && typeof minor === 'string' && typeof patch === 'string'
    ? { major, minor, patch }
    : undefined
}

export { ModelregError }
