import { describe, expect, it } from 'vitest'
import { ExitCode } from './exit-codes.js'
import { collectMetric, collectTags, positiveInt } from './option-parsers.js'
import { parseExactRef, parseModelOnly, parseRef } from './refs.js'

describe('model references on the command line', () => {
  it('defaults the organisation to "default" and the version to latest', () => {
    expect(parseRef('resnet50')).toMatchObject({ org: 'default', name: 'resnet50', version: 'latest' })
    expect(parseRef('vision/resnet50@1.1.0')).toMatchObject({ org: 'vision', name: 'resnet50', version: '1.1.0' })
    expect(parseRef('vision/resnet50@>=1.0.0 <2')).toMatchObject({ name: 'resnet50', version: '>=1.0.0 <2' })
  })
  it('refuses, as a usage error (exit 2), a push without an exact version or a model command given a version', () => {
    expect(() => parseExactRef('resnet50', 'push')).toThrow(expect.objectContaining({ exitCode: ExitCode.usage }))
    for (const ref of ['resnet50@champion', 'resnet50@^1.2', 'resnet50@production', 'resnet50@1.x']) {
      expect(() => parseExactRef(ref, 'push'), ref).toThrow(/needs an exact version/)
    }
    expect(parseExactRef('resnet50@2.0.0-rc.1', 'push').version).toBe('2.0.0-rc.1')
    expect(() => parseModelOnly('resnet50@1.0.0')).toThrow(/names a version/)
  })
})

describe('option parsers', () => {
  it('collects metrics as name=number and tags comma-separated or repeated', () => {
    expect(collectMetric('f1=0.5', collectMetric('top1=0.75'))).toEqual({ top1: 0.75, f1: 0.5 })
    expect(() => collectMetric('top1')).toThrow(/name=number/)
    expect(collectTags('b, c', ['a'])).toEqual(['a', 'b', 'c'])
  })
  it('takes whole numbers from 1 up for counts', () => {
    expect(positiveInt('4')).toBe(4)
    expect(() => positiveInt('0')).toThrow()
  })
})
