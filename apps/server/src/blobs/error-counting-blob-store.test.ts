// The counting wrapper counts the storage's failures and passes every result and error through unchanged.
import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { type BlobStore, ChecksumMismatchError } from './blob-store.js'
import { ErrorCountingBlobStore } from './error-counting-blob-store.js'

function failing(errors: Record<string, Error>): BlobStore {
  const fail = (op: string) => async () => {
    const err = errors[op]
    if (err) throw err
    return undefined as never
  }
  return { stage: fail('stage'), get: fail('get'), stat: fail('stat'), delete: fail('delete') }
}

describe('ErrorCountingBlobStore', () => {
  it('counts storage failures by operation and rethrows them', async () => {
    const gone = Object.assign(new Error('ENOENT: /blobs/ab/cd'), { code: 'ENOENT' })
    const store = new ErrorCountingBlobStore(failing({ get: gone, delete: new Error('SlowDown') }))
    await expect(store.get('a'.repeat(64))).rejects.toBe(gone)
    await expect(store.get('a'.repeat(64))).rejects.toBe(gone)
    await expect(store.delete('a'.repeat(64))).rejects.toThrow('SlowDown')
    expect(await store.stat('a'.repeat(64))).toBeUndefined()
    expect([...store.errors]).toEqual([
      ['get', 2],
      ['delete', 1],
    ])
  })

  it('does not count refusals of the client bytes or a client that went away', async () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
    for (const err of [new ChecksumMismatchError('a', 'b'), aborted]) {
      const store = new ErrorCountingBlobStore(failing({ stage: err }))
      await expect(store.stage(Readable.from([]), {})).rejects.toBe(err)
      expect(store.errors.size).toBe(0)
    }
  })
})
