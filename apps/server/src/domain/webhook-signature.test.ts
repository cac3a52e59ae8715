import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signatureHeader, verifySignature } from './webhook-signature.js'

describe('webhook signatures', () => {
  const body = '{"id":"d1","type":"ping"}'
  const at = { nowSeconds: 1_800_000_000, toleranceSeconds: 300 }

  it('is t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>', () => {
    const expected = createHmac('sha256', 'whsec_a').update(`1800000000.${body}`).digest('hex')
    expect(signatureHeader(['whsec_a'], 1_800_000_000.9, body)).toBe(`t=1800000000,v1=${expected}`)
  })

  it('verifies with any of the secrets it carries, and refuses a changed body, another secret or an old t', () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], at.nowSeconds, body)
    expect(verifySignature('whsec_new', header, body, at)).toBe(true)
    expect(verifySignature('whsec_old', header, body, at)).toBe(true)
    expect(verifySignature('whsec_other', header, body, at)).toBe(false)
    expect(verifySignature('whsec_new', header, `${body} `, at)).toBe(false)
    expect(verifySignature('whsec_new', header, body, { ...at, nowSeconds: at.nowSeconds + 301 })).toBe(false)
    expect(verifySignature('whsec_new', 'garbage', body, at)).toBe(false)
  })
})
