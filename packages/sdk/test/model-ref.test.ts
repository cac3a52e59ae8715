import { describe, expect, it } from 'vitest'
import { formatModelRef, parseModelRef } from '../src/index.js'

describe('parseModelRef', () => {
  it('reads org/name@version, name@version (default organisation) and latest', () => {
    expect(parseModelRef('vision/resnet50@1.2.0')).toEqual({
      org: 'vision',
      name: 'resnet50',
      version: '1.2.0',
      explicitVersion: true,
    })
    expect(parseModelRef('resnet50@2.0.0-rc.1')).toMatchObject({ org: 'default', version: '2.0.0-rc.1' })
    expect(parseModelRef('resnet50')).toMatchObject({ version: 'latest', explicitVersion: false })
    expect(parseModelRef('a/b@latest')).toMatchObject({
      org: 'a',
      name: 'b',
      version: 'latest',
      explicitVersion: false,
    })
    expect(parseModelRef('XGBoost House Prices@1.0.0').name).toBe('XGBoost House Prices')
  })

  it('refuses what is not a reference, saying how to write one', () => {
    for (const bad of ['', '/x', 'org/', 'a/b/c', 'x@', '@1.0.0']) {
      expect(() => parseModelRef(bad), bad).toThrow(/org\/name@version|name a version/)
    }
  })

  it('formats back', () => {
    expect(formatModelRef({ org: 'default', name: 'm', version: '1.0.0' })).toBe('default/m@1.0.0')
    expect(formatModelRef({ org: 'default', name: 'm' })).toBe('default/m')
  })
})
