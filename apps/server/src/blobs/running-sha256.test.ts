import { createHash, randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { resumeSha256 } from './running-sha256.js'

describe('a running sha256', () => {
  it('gives the digest of the whole when taken up again from a saved state, piece after piece', async () => {
    const bytes = randomBytes(3 * 65_536 + 17)
    let state: string | null = null
    for (let i = 0; i < bytes.length; i += 65_536) {
      const h = await resumeSha256(state)
      h.update(bytes.subarray(i, i + 65_536))
      state = h.save()
    }
    expect((await resumeSha256(state)).digest()).toBe(createHash('sha256').update(bytes).digest('hex'))
  })

  it('starts fresh without a state', async () => {
    expect((await resumeSha256(null)).digest()).toBe(createHash('sha256').digest('hex'))
  })
})
