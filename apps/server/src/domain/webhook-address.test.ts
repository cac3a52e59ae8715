import { describe, expect, it } from 'vitest'
import { classifyAddress, refusedAddress } from './webhook-address.js'

describe('classifyAddress', () => {
  const table: [string, ReturnType<typeof classifyAddress>][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.0.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fc00::1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.1.1', 'link-local'],
    ['fe80::1', 'link-local'],
    ['169.254.169.254', 'metadata'],
    ['fd00:ec2::254', 'metadata'],
    ['100.100.100.200', 'metadata'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['not an address', 'reserved'],
    ['8.8.8.8', undefined],
    ['172.32.0.1', undefined],
    ['2606:4700::1111', undefined],
    ['::ffff:8.8.8.8', undefined],
  ]
  for (const [address, cls] of table) {
    it(`${address} is ${cls ?? 'public'}`, () => expect(classifyAddress(address)).toBe(cls))
  }

  it('allows loopback, private and link-local when asked, metadata and the rest never', () => {
    expect(refusedAddress('127.0.0.1', true)).toBeUndefined()
    expect(refusedAddress('10.1.1.1', true)).toBeUndefined()
    expect(refusedAddress('fe80::2', true)).toBeUndefined()
    expect(refusedAddress('169.254.169.254', true)).toMatch(/metadata/)
    expect(refusedAddress('0.0.0.0', true)).toMatch(/unspecified/)
    expect(refusedAddress('127.0.0.1', false)).toBe('127.0.0.1 is a loopback address')
    expect(refusedAddress('93.184.215.14', false)).toBeUndefined()
  })
})
