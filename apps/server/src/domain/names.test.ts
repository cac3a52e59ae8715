import { describe, expect, it } from 'vitest'
import { checkModelName, modelNameKey } from './names.js'

describe('model names', () => {
  it('accepts the product doc examples', () => {
    for (const ok of [
      'resnet50-imagenet',
      'bert-sentiment',
      'XGBoost House Prices',
      'resnet50-imagenet-v1',
      'a',
      'v1.2_x',
    ]) {
      expect(checkModelName(ok)).toBe(ok)
    }
  })
  it('refuses slashes, dot-dot, NUL, emoji, leading dots and over-long names', () => {
    for (const bad of [
      'a/b',
      '..',
      '.hidden',
      'a\u0000b',
      'model 🚀',
      '',
      ' lead',
      'trail ',
      'x'.repeat(129),
      'a\\b',
      'a\nb',
    ]) {
      expect(() => checkModelName(bad), JSON.stringify(bad)).toThrow(/Model Name/)
    }
  })
  it('keys case-insensitively', () => {
    expect(modelNameKey('ResNet')).toBe(modelNameKey('resnet'))
  })
})
