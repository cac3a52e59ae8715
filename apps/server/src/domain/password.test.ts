import { describe, expect, it } from 'vitest'
import { DUMMY_HASH, hashPassword, verifyPassword } from './password.js'

describe('passwords', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse')
    const b = await hashPassword('correct horse')
    expect(a).not.toBe(b)
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$/)
    expect(await verifyPassword('correct horse', a)).toBe(true)
    expect(await verifyPassword('correct hors', a)).toBe(false)
    expect(await verifyPassword('anything', DUMMY_HASH)).toBe(false)
  })
})
