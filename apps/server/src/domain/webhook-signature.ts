// How deliveries are signed (docs/webhooks.md): X-Modelreg-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>">, one v1 per valid secret (two while a rotated-out secret is still honoured).
import { createHmac, timingSafeEqual } from 'node:crypto'

/** The signature header's value for `body` sent at `unixSeconds`, signed with each of `secrets`. */
export function signatureHeader(secrets: readonly string[], unixSeconds: number, body: string): string {
  const t = Math.floor(unixSeconds)
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, `${t}.${body}`)}`)].join(',')
}

/** Whether `header` carries a valid signature of `body` by `secret`, made within `toleranceSeconds` of `now`. */
export function verifySignature(
  secret: string,
  header: string,
  body: string,
  opts: { nowSeconds: number; toleranceSeconds: number },
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='))
  const t = Number(parts.find(([k]) => k === 't')?.[1])
  if (!Number.isSafeInteger(t) || Math.abs(opts.nowSeconds - t) > opts.toleranceSeconds) return false
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`))
  return parts.some(
    ([k, v]) =>
      k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected),
  )
}

function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message).digest('hex')
}
