import type { ErrorCode } from '@modelreg/contract'

/** An error answered by the registry, carrying its code (VALIDATION_FAILED, NOT_FOUND, ...). */
export class ModelregError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK',
    message: string,
    readonly details: unknown = {},
  ) {
    super(message)
    this.name = 'ModelregError'
  }
}
