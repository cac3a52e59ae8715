// Domain errors speak the domain; only plugins/error-handler.ts maps codes to HTTP statuses.
import type { ErrorCode } from '@modelreg/contract'

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
    this.name = 'DomainError'
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION_FAILED', message, details)
  }
}
export class FieldNotEditableError extends DomainError {
  constructor(field: string, hint: string) {
    super('FIELD_NOT_EDITABLE', `"${field}" cannot be edited; ${hint}`, { field })
  }
}
export class NotFoundError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NOT_FOUND', message, details)
  }
}
export class AlreadyExistsError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ALREADY_EXISTS', message, details)
  }
}
export class ModelDeployedError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('MODEL_DEPLOYED', message, details)
  }
}
export class VersionFrozenError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VERSION_FROZEN', message, details)
  }
}
export class AliasInUseError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('ALIAS_IN_USE', message, details)
  }
}
/** A dangerous version on its way to Production or a deployment, without an admin's override. */
export class UnsafeArtifactError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('UNSAFE_ARTIFACT', message, details)
  }
}
/** A version going live while some of its files were never inspected: the caller may retry shortly. */
export class InspectionPendingError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('INSPECTION_PENDING', message, details)
  }
}
export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details)
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'sign in first: send Authorization: Bearer <token> or the session cookie') {
    super('UNAUTHENTICATED', message)
  }
}
export class ForbiddenError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('FORBIDDEN', message, details)
  }
}

export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  FIELD_NOT_EDITABLE: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  MODEL_DEPLOYED: 409,
  VERSION_FROZEN: 409,
  ALIAS_IN_USE: 409,
  UNSAFE_ARTIFACT: 409,
  INSPECTION_PENDING: 409,
  CHECKSUM_MISMATCH: 400,
  // The bytes went missing from the blob store behind the registry's back: a state to repair, not a server fault.
  ARTIFACT_MISSING: 409,
  RANGE_NOT_SATISFIABLE: 416,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  UNAVAILABLE: 503,
}
