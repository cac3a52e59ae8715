// Where results and messages go: results to stdout (JSON with --json), messages and progress to stderr,
// so that `modelreg ... --json | jq` always gets clean JSON.
import { formatTable } from './format.js'

export interface Output {
  json: boolean
  /** The command's result: JSON with --json, else the human text built by `human`. */
  result(value: unknown, human: () => string): void
  /** A status line for people; silent with --json. */
  note(line: string): void
  /** A warning; kept with --json, on stderr. */
  warn(line: string): void
}

export function createOutput(json: boolean, stdout = process.stdout, stderr = process.stderr): Output {
  return {
    json,
    result(value, human) {
      if (json) stdout.write(`${JSON.stringify(value, null, 2)}\n`)
      else {
        const text = human()
        if (text) stdout.write(text.endsWith('\n') ? text : `${text}\n`)
      }
    },
    note(line) {
      if (!json) stderr.write(`${line}\n`)
    },
    warn(line) {
      stderr.write(`modelreg: warning: ${line}\n`)
    },
  }
}

export const table = (header: string[], rows: string[][]): string =>
  rows.length === 0 ? '' : formatTable([header, ...rows])

/** Key: value lines for `show` commands. */
export function fields(pairs: [string, string | number | boolean | null | undefined][]): string {
  const width = Math.max(...pairs.map(([k]) => k.length))
  return pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${`${k}:`.padEnd(width + 2)}${v === null || v === '' ? '-' : String(v)}`)
    .join('\n')
}
