// The modelreg command line: runs the command and turns every failure into a message, a hint and an exit code.
import { ModelregError } from '@modelreg/sdk'
import { CommanderError } from 'commander'
import { CliError } from './cli-error.js'
import { type Connection, resolveConnection } from './config.js'
import { ExitCode, exitCodeOf } from './exit-codes.js'
import { hintFor } from './hints.js'
import { createProgram } from './program.js'

async function main(argv: string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv)
    return ExitCode.ok
  } catch (err) {
    return report(err, argv)
  }
}

function report(err: unknown, argv: string[]): number {
  // Commander has printed its own message (or the help/version) already.
  if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage
  const json = argv.includes('--json')
  let code = 'INTERNAL'
  let exitCode: number = ExitCode.failure
  let message = err instanceof Error ? err.message : String(err)
  let hint: string | undefined
  let details: unknown
  if (err instanceof ModelregError) {
    code = err.code
    exitCode = exitCodeOf(err.code)
    hint = hintFor(err, connectionFor(argv))
    details = err.details
  } else if (err instanceof CliError) {
    code = err.code
    exitCode = err.exitCode
    hint = err.hint
  } else if (isFsError(err)) {
    code = err.code
    message = err.message
  }
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: { code, message, hint, details, exitCode } })}\n`)
  } else {
    process.stderr.write(`modelreg: ${message}\n${hint ? `  hint: ${hint}\n` : ''}`)
  }
  return exitCode
}

function connectionFor(argv: string[]): Connection | undefined {
  const i = argv.indexOf('--url')
  try {
    return resolveConnection(i > 0 ? argv[i + 1] : undefined)
  } catch {
    return undefined
  }
}

function isFsError(err: unknown): err is Error & { code: string } {
  return err instanceof Error && typeof (err as { code?: unknown }).code === 'string'
}

main(process.argv).then((code) => {
  process.exitCode = code
})
