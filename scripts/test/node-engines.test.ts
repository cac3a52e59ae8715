// The README promises Node 20 (package.json engines): every package the lock file installs must declare that it
// supports the oldest Node the registry accepts, and npm must refuse (not warn about) one that does not.
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './helpers.js'

const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null
  satisfies(version: string, range: string): boolean
}
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(repoRoot, file), 'utf8'))

describe('Node 20', () => {
  const oldest = semver.minVersion((read('package.json') as { engines: { node: string } }).engines.node)?.version

  it('is the floor the root package declares', () => {
    expect(oldest).toMatch(/^20\./)
  })

  it('is supported by every package in package-lock.json', () => {
    const lock = read('package-lock.json') as { packages: Record<string, { engines?: { node?: string } }> }
    const refusing = Object.entries(lock.packages)
      .filter(([, p]) => typeof p.engines?.node === 'string' && !semver.satisfies(oldest ?? '', p.engines.node))
      .map(([where, p]) => `${where} wants node ${p.engines?.node}`)
    expect(refusing).toEqual([])
  })

  it('is enforced by npm: engine-strict, so a package wanting a newer Node fails the install', () => {
    expect(fs.readFileSync(path.join(repoRoot, '.npmrc'), 'utf8')).toMatch(/^engine-strict=true$/m)
  })
})
