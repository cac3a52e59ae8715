import { describe, expect, it } from 'vitest'
import { LoginThrottle } from './login-throttle.js'

describe('login throttle', () => {
  it('blocks an account after its allowance, an address after a larger one, and forgets after the window', () => {
    let now = 0
    const throttle = new LoginThrottle({ account: 2, address: 3 }, 60_000, () => now)
    throttle.fail(['user:a', 'ip:1'])
    throttle.fail(['user:a', 'ip:1'])
    expect(throttle.retryAfter(['user:a', 'ip:1'])).toBe(60)
    expect(throttle.retryAfter(['user:b', 'ip:1'])).toBe(0)
    throttle.fail(['user:b', 'ip:1'])
    expect(throttle.retryAfter(['user:c', 'ip:1'])).toBe(60)
    now = 61_000
    expect(throttle.retryAfter(['user:a', 'ip:1'])).toBe(0)
  })
})
