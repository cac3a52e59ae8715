// Parsers for repeatable and typed options (commander calls them per occurrence).
import { InvalidArgumentError } from 'commander'

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value]
}

/** --metric name=number, repeatable. */
export function collectMetric(value: string, previous: Record<string, number> = {}): Record<string, number> {
  const eq = value.indexOf('=')
  const key = value.slice(0, eq).trim()
  const number = Number(value.slice(eq + 1))
  if (eq <= 0 || value.slice(eq + 1).trim() === '' || !Number.isFinite(number)) {
    throw new InvalidArgumentError(`"${value}" is not name=number, e.g. top1_accuracy=0.765`)
  }
  return { ...previous, [key]: number }
}

export function positiveInt(value: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`"${value}" is not a whole number ≥ 1`)
  return n
}

/** Comma-separated or repeated tags. */
export function collectTags(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
  ]
}
