// The SSRF guard's rule: which addresses a webhook may not reach. Webhook URLs come from organisation admins, but
// the registry sends the requests from inside the network, so loopback, private, link-local and cloud metadata
// addresses are refused (the first three allowed by MODELREG_WEBHOOK_ALLOW_PRIVATE=true, metadata never).
import net from 'node:net'

export type AddressClass = 'loopback' | 'private' | 'link-local' | 'metadata' | 'unspecified' | 'multicast' | 'reserved'

const metadata = new net.BlockList()
metadata.addAddress('169.254.169.254')
metadata.addAddress('169.254.170.2')
metadata.addAddress('100.100.100.200')
metadata.addAddress('fd00:ec2::254', 'ipv6')

const classes: [AddressClass, net.BlockList][] = [
  ['metadata', metadata],
  [
    'loopback',
    list([
      ['127.0.0.0', 8],
      ['::1', 128, 'ipv6'],
    ]),
  ],
  [
    'private',
    list([
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
      ['100.64.0.0', 10],
      ['fc00::', 7, 'ipv6'],
    ]),
  ],
  [
    'link-local',
    list([
      ['169.254.0.0', 16],
      ['fe80::', 10, 'ipv6'],
    ]),
  ],
  [
    'unspecified',
    list([
      ['0.0.0.0', 8],
      ['::', 128, 'ipv6'],
    ]),
  ],
  [
    'multicast',
    list([
      ['224.0.0.0', 4],
      ['ff00::', 8, 'ipv6'],
    ]),
  ],
  [
    'reserved',
    list([
      ['240.0.0.0', 4],
      ['192.0.0.0', 24],
      ['198.18.0.0', 15],
      ['64:ff9b:1::', 48, 'ipv6'],
    ]),
  ],
]

function list(ranges: [string, number, ('ipv4' | 'ipv6')?][]): net.BlockList {
  const b = new net.BlockList()
  for (const [address, prefix, family] of ranges) b.addSubnet(address, prefix, family ?? 'ipv4')
  return b
}

/** The class of an address a webhook may not reach, or undefined for a public one. IPv4-mapped IPv6 counts as IPv4. */
export function classifyAddress(address: string): AddressClass | undefined {
  const bare = address.replace(/^\[|\]$/g, '')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1]
  const ip = mapped ?? bare
  const family = net.isIP(ip)
  if (family === 0) return 'reserved'
  const type = family === 4 ? 'ipv4' : 'ipv6'
  // ::ffff:a.b.c.d written in hex (::ffff:7f00:1) is IPv4 too.
  const hexMapped = type === 'ipv6' ? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(ip) : null
  if (hexMapped) {
    const hi = Number.parseInt(hexMapped[1] ?? '0', 16)
    const lo = Number.parseInt(hexMapped[2] ?? '0', 16)
    return classifyAddress(`${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`)
  }
  for (const [name, blocks] of classes) if (blocks.check(ip, type)) return name
  return undefined
}

/** Why a webhook may not reach `address`, or undefined when it may. */
export function refusedAddress(address: string, allowPrivate: boolean): string | undefined {
  const cls = classifyAddress(address)
  if (cls === undefined) return undefined
  if (allowPrivate && (cls === 'loopback' || cls === 'private' || cls === 'link-local')) return undefined
  return `${address} is a ${cls} address`
}
