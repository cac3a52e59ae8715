import { describe, expect, it } from 'vitest'
import { DomainError } from '../errors.js'
import { aliasNameProblem, parseReference } from './version-reference.js'

describe('parseReference', () => {
  it.each([
    ['1.2.0', 'exact'],
    ['1.0.0-rc.1', 'exact'],
    ['latest', 'latest'],
    ['production', 'stage'],
    ['archived', 'stage'],
    ['champion', 'alias'],
    ['a-b-1', 'alias'],
    ['^1.2', 'range'],
    ['~1.2.3', 'range'],
    ['1.x', 'range'],
    ['1', 'range'],
    ['>=1.0.0 <2.0.0', 'range'],
    ['1.2.3 - 2', 'range'],
    ['*', 'range'],
  ])('reads %j as %s', (text, kind) => {
    expect(parseReference(text).kind).toBe(kind)
  })

  it.each([
    '',
    '^^1',
    'Champion',
    '1.0.0+build',
    '1.0.0-',
    'a'.repeat(257),
    '1 || 2 || 3 || 4 || 5 || 6 || 7 || 8 || 9 || 10 || 11 || 12 || 13 || 14 || 15 || 16 || 17',
  ])('refuses %j with VALIDATION_FAILED', (text) => {
    expect(() => parseReference(text)).toThrow(DomainError)
    try {
      parseReference(text)
    } catch (err) {
      expect((err as DomainError).code).toBe('VALIDATION_FAILED')
    }
  })

  it('turns a caret range into one key interval, upper bound exclusive, with no pre-release tuples', () => {
    const r = parseReference('^1.2')
    if (r.kind !== 'range') throw new Error('not a range')
    expect(r.intervals).toHaveLength(1)
    expect(r.intervals[0]?.lower?.inclusive).toBe(true)
    expect(r.intervals[0]?.upper?.inclusive).toBe(false)
    expect(r.intervals[0]?.prereleaseTuples).toEqual([])
  })

  it('names the tuple of a pre-release the range mentions, and gives each || branch its own interval', () => {
    const r = parseReference('>=2.0.0-rc.1 <3 || ^5')
    if (r.kind !== 'range') throw new Error('not a range')
    expect(r.intervals.map((i) => i.prereleaseTuples)).toEqual([[[2, 0, 0]], []])
  })

  it('drops a branch no storable version can satisfy and leaves an unstorable upper bound open', () => {
    const high = parseReference('>=99999999999.0.0 || <99999999999.0.0')
    if (high.kind !== 'range') throw new Error('not a range')
    expect(high.intervals).toEqual([{ prereleaseTuples: [] }])
  })
})

describe('aliasNameProblem', () => {
  it.each(['champion', 'a', 'prod-2', `a${'b'.repeat(62)}`])('accepts %j', (name) => {
    expect(aliasNameProblem(name)).toBeUndefined()
  })
  it.each(['latest', 'production', 'staging', 'x', 'v1', '1', 'Champion', '-a', `a${'b'.repeat(63)}`, ''])(
    'refuses %j',
    (name) => {
      expect(aliasNameProblem(name)).toEqual(expect.any(String))
    },
  )
})
