import { describe, expect, it } from 'vitest'
import { archiveEntryNames, checkArtifactPath, mediaTypeOf } from './artifact-path.js'

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
      'C:/x',
      'c:x',
      'weights.bin:stream',
      'a/C:/b',
    ]) {
      expect(() => checkArtifactPath(bad), JSON.stringify(bad)).toThrow(/not valid/)
    }
  })
  it('makes names stored before the rule archive-safe, keeping valid names and every name unique', () => {
    expect(archiveEntryNames(['C:/x', 'C_/x', 'a.bin', 'a:b', 'a_b', '/etc/p', 'x\\..\\y'])).toEqual([
      'C_/x~2',
      'C_/x',
      'a.bin',
      'a_b~2',
      'a_b',
      'etc/p',
      'x_.._y',
    ])
    expect(archiveEntryNames(['..', '../../a'])).toEqual(['_', 'a'])
  })
  it('stores a declared media type or guesses one from the extension', () => {
    expect(mediaTypeOf('config.json', undefined)).toBe('application/json')
    expect(mediaTypeOf('weights.bin', 'application/octet-stream')).toBe('application/octet-stream')
    expect(mediaTypeOf('card', 'text/markdown; charset=utf-8')).toBe('text/markdown')
  })
})
