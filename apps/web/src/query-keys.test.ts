// Server state is read and written through one module per feature (<feature>/<feature>.queries.ts: key factories,
// queryOptions, mutations with their invalidations), so that a write refreshes exactly what it changed. A key spelled
// out in a component, or a query or mutation written inline, would drift from them; this test finds one.
import { describe, expect, it } from 'vitest'

const sources = import.meta.glob<string>(['./**/*.{ts,tsx}', '!./**/*.queries.ts', '!./**/*.test.{ts,tsx}'], {
  query: '?raw',
  import: 'default',
  eager: true,
})

const rules: [string, RegExp][] = [
  ['a literal query key', /queryKey:\s*\[/],
  ['an inline useQuery', /useQuery\(\s*\{/],
  ['an inline mutation', /useMutation\(/],
]

describe('web data layer', () => {
  it('sees the web sources', () => {
    expect(Object.keys(sources)).toContain('./models/ModelsPage.tsx')
  })

  it.each(rules)('finds no %s outside the *.queries.ts modules', (_what, pattern) => {
    const offenders = Object.entries(sources)
      .filter(([, text]) => pattern.test(text))
      .map(([file]) => file)
    expect(offenders).toEqual([])
  })
})
