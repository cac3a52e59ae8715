// The main entry must load in a browser bundle: nothing it imports, directly or not, may use node: modules.
import fs from 'node:fs'
import path from 'node:path'
import { expect, it } from 'vitest'

const src = path.resolve(import.meta.dirname, '../src')

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1] as string)
}

it('@modelreg/sdk (src/index.ts) reaches no node: module and nothing under src/node', () => {
  const seen = new Set<string>()
  const queue = [path.join(src, 'index.ts')]
  const offenders: string[] = []
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (seen.has(file)) continue
    seen.add(file)
    for (const spec of importsOf(file)) {
      if (spec.startsWith('node:') || ['fs', 'path', 'crypto', 'stream'].includes(spec))
        offenders.push(`${file}: ${spec}`)
      if (spec.startsWith('.')) queue.push(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')))
    }
  }
  expect(offenders).toEqual([])
  expect([...seen].some((f) => f.includes(`${path.sep}node${path.sep}`))).toBe(false)
  expect(seen.size).toBeGreaterThan(5)
})
