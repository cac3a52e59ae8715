// Errors the CLI raises itself (bad input, missing login), with the exit code and a hint on what to do.
import { ExitCode } from './exit-codes.js'

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
    readonly code = 'CLI_ERROR',
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'CliError'
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, ExitCode.usage, 'USAGE', hint)
