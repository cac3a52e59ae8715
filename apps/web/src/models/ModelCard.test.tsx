import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderUi } from '../test/render'
import { MarkdownCard } from './ModelCard'

const hrefOf = (text: string) => screen.getByText(text).getAttribute('href') ?? ''

describe('MarkdownCard links', () => {
  it('keeps http(s), mailto, in-page anchors and paths on this site', () => {
    renderUi(
      <MarkdownCard
        text={
          '[paper](https://arxiv.org/abs/1512.03385) [mail](mailto:ml@example.com) [usage](#usage) [models](/models/default/resnet)'
        }
      />,
    )
    expect(hrefOf('paper')).toBe('https://arxiv.org/abs/1512.03385')
    expect(hrefOf('mail')).toBe('mailto:ml@example.com')
    expect(hrefOf('usage')).toBe('#usage')
    expect(hrefOf('models')).toBe('/models/default/resnet')
  })

  it.each([
    ['a protocol-relative link', '//evil.example/login'],
    ['a backslash one browsers read as protocol-relative', '/\\evil.example/login'],
    ['a tab browsers drop', '</\t/evil.example/login>'],
    ['a script URL', 'javascript:alert(1)'],
    ['a data URL', 'data:text/html,<script>alert(1)</script>'],
  ])('refuses %s', (_what, url) => {
    renderUi(<MarkdownCard text={`[link](${url})`} />)
    const href = hrefOf('link')
    expect(href).not.toMatch(/evil|javascript|data:/i)
  })
})
