import { describe, expect, it } from 'vitest'
import { firstStartBanner, openUrl } from './banner.js'

describe('start banner', () => {
  it('names the web UI address, with the password', () => {
    const text = firstStartBanner({ url: 'http://127.0.0.1:8080', password: 'pw-1', webUi: true })
    expect(text).toContain('Open the web UI at http://127.0.0.1:8080')
    expect(text).toContain('    pw-1\n')
    expect(text).toContain('http://127.0.0.1:8080/api/docs')
  })

  it('says when the web UI is not built', () => {
    expect(firstStartBanner({ url: 'http://h:1', password: 'p', webUi: false })).toContain('web UI is not built')
  })

  it('opens a wildcard bind on loopback', () => {
    expect(openUrl('0.0.0.0', 8080)).toBe('http://127.0.0.1:8080')
    expect(openUrl('::', 9)).toBe('http://[::1]:9')
    expect(openUrl('10.0.0.5', 80)).toBe('http://10.0.0.5:80')
  })
})
