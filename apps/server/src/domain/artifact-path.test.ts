import { describe, expect, it } from 'vitest'
import { checkArtifactPath, mediaTypeOf } from './artifact-path.js'

describe('artifact paths', () => {
  it('accepts relative folder paths', () => {
    for (const ok of [
      'model.safetensors',
      'tokenizer/vocab.json',
      'README.md',
      'a/b/c/d.bin',
      '.gitattributes',
      'x..y',
    ]) {
      expect(checkArtifactPath(ok)).toBe(ok)
    }
  })
  it('normalises Unicode to NFC', () => {
    expect(checkArtifactPath('cafe\u0301.txt')).toBe('caf\u00e9.txt')
  })
  it('refuses every way out of the version and every unprintable name', () => {
    for (const bad of [
      '',
      '/etc/passwd',
      '../x',
      'a/../b',
      'a/./b',
      'a//b',
      'a/',
      'a\\b',
      'a\u0000b',
      'a\nb',
      'x'.repeat(256),
      'a/'.repeat(600),
    ]) {
      expect(() => checkArtifactPath(bad), JSON.stringify(bad)).toThrow(/not valid/)
    }
  })
  it('stores a declared media type or guesses one from the extension', () => {
    expect(mediaTypeOf('config.json', undefined)).toBe('application/json')
    expect(mediaTypeOf('weights.bin', 'application/octet-stream')).toBe('application/octet-stream')
    expect(mediaTypeOf('card', 'text/markdown; charset=utf-8')).toBe('text/markdown')
  })
})
