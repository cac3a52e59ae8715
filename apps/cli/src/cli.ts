// The modelreg command line: runs the command and turns every failure into a message, a hint and an exit code.
// Every failure prints something: commander's own parse errors as it words them (or as JSON with --json),
// everything else here.
import { ModelregError } from '@modelreg/sdk'
import { CommanderError } from 'commander'
import { CliError } from './cli-error.js'
import { type Connection, resolveConnection } from './config.js'
import { ExitCode, exitCodeOf } from './exit-codes.js'
import { flagsInMessage } from './field-flags.js'
import { hintFor } from './hints.js'
import { createProgram } from './program.js'

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json')
  let parserSpoke = false
  const program = createProgram({
    // With --json, commander's error text (and the help it adds) would not be JSON: report() prints it.
    outputError: (text, write) => {
      parserSpoke = true
      if (!json) write(text)
    },
    ...(json && { writeErr: () => {} }),
  })
  try {
    await program.parseAsync(argv)
    return ExitCode.ok
  } catch (err) {
    return report(err, argv, json, parserSpoke)
  }
}

function report(err: unknown, argv: string[], json: boolean, parserSpoke: boolean): number {
  let code = 'INTERNAL'
  let exitCode: number = ExitCode.failure
  let message = err instanceof Error ? err.message : String(err)
  let hint: string | undefined
  let details: unknown
  if (err instanceof CommanderError) {
    // Help and --version end with exit code 0; commander has printed them.
    if (err.exitCode === 0) return ExitCode.ok
    // A parse error commander has printed already (without --json); `modelreg models` alone printed help.
    if (!json && (parserSpoke || err.code === 'commander.help')) return ExitCode.usage
    code = 'USAGE'
    exitCode = ExitCode.usage
    message =
      err.code === 'commander.help' ? 'a command is missing: add --help to list them' : message.replace(/^error: /, '')
    hint = 'add --help for usage and examples'
  } else if (err instanceof ModelregError) {
    code = err.code
    exitCode = exitCodeOf(err.code)
    message = flagsInMessage(err.message, err.details)
    hint = hintFor(err, connectionFor(argv))
    details = err.details
  } else if (err instanceof CliError) {
    code = err.code
    exitCode = err.exitCode
    hint = err.hint
  } else if (isFsError(err)) {
    code = err.code
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
