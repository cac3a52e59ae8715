// The rule for what a new version starts with (web New Version, CLI push and versions create).
import { describe, expect, it } from 'vitest'
import { type CarrySource, carryForward } from '../src/index.js'

const latest: CarrySource = {
  description: 'ResNet50 on ImageNet',
  tags: ['vision'],
  author: 'ML Team',
  license: 'others',
  licenseOther: 'CC-BY-4.0',
}

describe('carryForward', () => {
  it('takes description, tags, author and license from the latest version', () => {
    expect(carryForward(latest)).toEqual(latest)
  })

  it('starts empty without a latest version, and leaves out empty values', () => {
    expect(carryForward(null)).toEqual({})
    expect(carryForward({ description: '', tags: [], author: '', license: null, licenseOther: null })).toEqual({})
  })

  it('lets given fields win, even empty ones; a given license drops the carried licenseOther', () => {
    expect(carryForward(latest, { tags: [], license: 'mit' })).toEqual({
      description: 'ResNet50 on ImageNet',
      tags: [],
      author: 'ML Team',
      license: 'mit',
    })
    expect(carryForward(latest, { description: 'v2' }).description).toBe('v2')
  })

  it('copies the tags, so editing the result never changes the source', () => {
    const out = carryForward(latest)
    out.tags?.push('x')
    expect(latest.tags).toEqual(['vision'])
  })
})
