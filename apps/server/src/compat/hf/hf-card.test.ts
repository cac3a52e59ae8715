import { describe, expect, it } from 'vitest'
import { parseFrontMatter } from './hf-card.js'

describe('parseFrontMatter', () => {
  it('reads the YAML mapping between the opening and closing --- lines', () => {
    const readme = '---\nlicense: apache-2.0\ntags:\n  - vision\n  - resnet\nmodel-index: null\n---\n\n# ResNet\n'
    expect(parseFrontMatter(readme)).toEqual({ license: 'apache-2.0', tags: ['vision', 'resnet'], 'model-index': null })
  })

  it('accepts a byte-order mark, CRLF line ends and a closing "..."', () => {
    expect(parseFrontMatter('\uFEFF---\r\nlanguage: en\r\n...\r\nbody')).toEqual({ language: 'en' })
  })

  it('keeps dates as text (JSON has no dates)', () => {
    expect(parseFrontMatter('---\nreleased: 2026-01-02\n---\n')).toEqual({ released: '2026-01-02' })
  })

  it('gives nothing for a README without front matter, or front matter not at the very start', () => {
    expect(parseFrontMatter('# Just a title\n')).toBeUndefined()
    expect(parseFrontMatter('\n---\nlicense: mit\n---\n')).toBeUndefined()
    expect(parseFrontMatter('---\nlicense: mit\n')).toBeUndefined()
  })

  it('gives nothing for malformed YAML, duplicate keys, a list or a scalar, never an error', () => {
    for (const bad of [
      '---\nlicense: [mit\n---\n',
      '---\n\tlicense: mit\n---\n',
      '---\nlicense: mit\nlicense: bsd\n---\n',
      '---\n- a\n- b\n---\n',
      '---\njust text\n---\n',
      '---\n\n---\n',
    ]) {
      expect(parseFrontMatter(bad), bad).toBeUndefined()
    }
  })

  it('refuses alias expansion bombs', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 10; i++) {
      const prev = String.fromCharCode(96 + i)
      const next = String.fromCharCode(97 + i)
      lines.push(`${next}: &${next} [${Array(10).fill(`*${prev}`).join(', ')}]`)
    }
    expect(parseFrontMatter(`---\n${lines.join('\n')}\n---\n`)).toBeUndefined()
  })
})
