import helmet from 'helmet'
import { describe, expect, it } from 'vitest'
import { helmetHeaders } from './security-headers.js'

describe('security headers', () => {
  it('are the headers helmet itself sets for the same options, computed once', () => {
    const options = { strictTransportSecurity: false, contentSecurityPolicy: { directives: { 'img-src': ["'self'"] } } }
    const set = new Map<string, string>()
    const res = {
      setHeader: (name: string, value: string) => set.set(name.toLowerCase(), value),
      removeHeader: (name: string) => set.delete(name.toLowerCase()),
    }
    helmet(options)({} as never, res as never, () => {})
    const headers = helmetHeaders(options)
    expect(headers).toEqual(Object.fromEntries(set))
    expect(headers['x-content-type-options']).toBe('nosniff')
    expect(headers['content-security-policy']).toContain("img-src 'self'")
    expect(headers['strict-transport-security']).toBeUndefined()
  })
})
