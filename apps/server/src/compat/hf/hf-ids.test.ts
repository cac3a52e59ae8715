import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  commitIdOf,
  gitBlobOid,
  hubName,
  isFlagSet,
  isHubName,
  isLfs,
  lfsPointer,
  parseRevision,
  versionIdOfCommit,
} from './hf-ids.js'

describe('hubName', () => {
  it('keeps a name the Hub accepts', () => {
    expect(hubName('resnet50-imagenet_v1.2')).toBe('resnet50-imagenet_v1.2')
  })
  it('slugs spaces, accents and other characters into single dashes, trimmed', () => {
    expect(hubName('XGBoost House Prices')).toBe('XGBoost-House-Prices')
    expect(hubName('Modèle  fraîche')).toBe('Modele-fraiche')
    expect(hubName('a -- b')).toBe('a-b')
    expect(hubName('_x_')).toBe('x')
    expect(hubName('v1..2')).toBe('v1.2')
  })
  it('never ends in .git, never exceeds 96 characters, never is empty', () => {
    expect(hubName('repo.git')).not.toMatch(/\.git$/)
    expect(hubName('a'.repeat(120))).toHaveLength(96)
    expect(hubName('模型')).toBe('model')
    for (const n of ['XGBoost House Prices', 'repo.git', '模型', `${'x '.repeat(80)}`])
      expect(isHubName(hubName(n))).toBe(true)
  })
})

describe('commit ids', () => {
  const files = [
    { path: 'b.bin', sha256: 'b'.repeat(64) },
    { path: 'a.json', sha256: 'a'.repeat(64) },
  ]
  it('are 40 lower-case hex, the same for the same content in any order', () => {
    const id = commitIdOf(1, '1.0.0', 7, files)
    expect(id).toMatch(/^[0-9a-f]{40}$/)
    expect(commitIdOf(1, '1.0.0', 7, [...files].reverse())).toBe(id)
  })
  it('change when a file, the version or the model changes', () => {
    const id = commitIdOf(1, '1.0.0', 7, files)
    expect(commitIdOf(1, '1.0.0', 7, files.slice(1))).not.toBe(id)
    expect(commitIdOf(1, '1.0.0', 7, [{ ...files[0], sha256: 'c'.repeat(64) }, files[1]] as typeof files)).not.toBe(id)
    expect(commitIdOf(1, '1.0.1', 7, files)).not.toBe(id)
    expect(commitIdOf(2, '1.0.0', 7, files)).not.toBe(id)
  })
  it('carry the version row they name', () => {
    expect(versionIdOfCommit(commitIdOf(1, '1.0.0', 123456, files))).toBe(123456)
    expect(versionIdOfCommit('z'.repeat(40))).toBeUndefined()
    expect(versionIdOfCommit('0'.repeat(40))).toBeUndefined()
  })
})

describe('parseRevision', () => {
  it('reads main and HEAD as the current version, 40 hex as a commit, the rest as references', () => {
    expect(parseRevision('main')).toEqual({ kind: 'main' })
    expect(parseRevision('HEAD')).toEqual({ kind: 'main' })
    expect(parseRevision('A'.repeat(40))).toEqual({ kind: 'commit', id: 'a'.repeat(40) })
    expect(parseRevision('1.2.0')).toEqual({ kind: 'reference', text: '1.2.0' })
    expect(parseRevision('production')).toEqual({ kind: 'reference', text: 'production' })
  })
})

describe('LFS entries', () => {
  it('are weight formats and files of 1 MiB or more; empty files never', () => {
    expect(isLfs('model.safetensors', 10)).toBe(true)
    expect(isLfs('onnx/model.ONNX', 10)).toBe(true)
    expect(isLfs('config.json', 100)).toBe(false)
    expect(isLfs('big.json', 1024 * 1024)).toBe(true)
    expect(isLfs('model.bin', 0)).toBe(false)
  })
  it('have the git oid of their pointer file', () => {
    const sha = 'e'.repeat(64)
    const text = `version https://git-lfs.github.com/spec/v1\noid sha256:${sha}\nsize 42\n`
    expect(lfsPointer(sha, 42)).toEqual({
      oid: createHash('sha1').update(`blob ${text.length}\0${text}`).digest('hex'),
      pointerSize: text.length,
    })
  })
  it('git blob oids match git (git hash-object of "hello\\n")', () => {
    expect(gitBlobOid(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a')
  })
})

describe('isFlagSet', () => {
  it('reads True, true and 1 case-insensitively', () => {
    expect(['True', 'true', 'TRUE', '1'].map(isFlagSet)).toEqual([true, true, true, true])
    expect(['False', 'false', '', undefined, 'x'].map(isFlagSet)).toEqual([false, false, false, false, false])
  })
})
