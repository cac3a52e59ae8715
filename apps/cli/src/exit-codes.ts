// The exit codes of modelreg, one per kind of failure a script may want to branch on (docs/cli.md lists them).
import type { ModelregErrorCode } from '@modelreg/sdk'

export const ExitCode = {
  ok: 0,
  /** Anything else: a bug, an unexpected answer, a local file error. */
  failure: 1,
  /** Bad arguments or options, an invalid reference, a request the registry found invalid. */
  usage: 2,
  /** No token, a wrong or expired token, or not allowed. */
  auth: 3,
  /** The model, version, file or deployment does not exist (or is not visible to you). */
  notFound: 4,
  /** Already exists, frozen, deployed, or otherwise in the way of the change. */
  conflict: 5,
  /** The registry could not be reached or is unavailable; retrying later may work. */
  unavailable: 6,
  /** Bytes did not match their sha256. */
  verification: 7,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const

export function exitCodeOf(code: ModelregErrorCode): number {
  switch (code) {
    case 'VALIDATION_FAILED':
    case 'FIELD_NOT_EDITABLE':
    case 'UNSUPPORTED_MEDIA_TYPE':
    case 'RANGE_NOT_SATISFIABLE':
    case 'PAYLOAD_TOO_LARGE':
      return ExitCode.usage
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return ExitCode.auth
    case 'NOT_FOUND':
      return ExitCode.notFound
    case 'ALREADY_EXISTS':
    case 'CONFLICT':
    case 'MODEL_DEPLOYED':
    case 'VERSION_FROZEN':
    case 'ALIAS_IN_USE':
    case 'UNSAFE_ARTIFACT':
      return ExitCode.conflict
    case 'NETWORK':
    case 'UNAVAILABLE':
    case 'INSPECTION_PENDING':
    case 'TOO_MANY_REQUESTS':
      return ExitCode.unavailable
    case 'CHECKSUM_MISMATCH':
      return ExitCode.verification
    case 'ABORTED':
      return ExitCode.interrupted
    default:
      return ExitCode.failure
  }
}
