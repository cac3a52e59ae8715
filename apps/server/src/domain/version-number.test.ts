import semver from 'semver'
import { describe, expect, it } from 'vitest'
import { nextVersions, parseVersion } from './version-number.js'

describe('version numbers', () => {
  it('sort keys order exactly as semver precedence', () => {
    const list = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-alpha-x',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.1',
      '1.2.0',
      '1.10.0',
      '2.0.0-0',
      '2.0.0',
      '10.0.0',
    ]
    const byKey = [...list].sort((a, b) => (parseVersion(a).sortKey < parseVersion(b).sortKey ? -1 : 1))
    expect(byKey).toEqual([...list].sort(semver.compare))
  })

  it('refuses what is not a strict semantic version', () => {
    for (const bad of ['1', '1.0', 'v1.0.0', '01.0.0', '1.0.0 ', '', 'latest', '1.0.0-', '^1.0.0']) {
      expect(() => parseVersion(bad), bad).toThrow(/not a semantic version/)
    }
  })

  it('offers the next major, minor and patch', () => {
    expect(nextVersions('1.1.0')).toEqual({ major: '2.0.0', minor: '1.2.0', patch: '1.1.1' })
    expect(nextVersions(null)).toBeNull()
    // The plain x.y.z shortcut agrees with semver's inc on releases, prereleases and build metadata alike.
    for (const v of ['0.0.0', '1.1.0', '9.99.999', '123456789012345.0.7', '1.2.3-rc.1', '1.2.3+build.5', '2.0.0-0']) {
      const inc = (kind: 'major' | 'minor' | 'patch') => semver.inc(v, kind) ?? v
      expect(nextVersions(v), v).toEqual({ major: inc('major'), minor: inc('minor'), patch: inc('patch') })
    }
  })
})
