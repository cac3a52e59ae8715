// The model card's metadata: the YAML front matter of a README.md, which the Hub serves as `cardData`. Whatever a
// README holds, reading it never fails: malformed, oversized or non-mapping front matter is simply no card data.
import { parse } from 'yaml'

/** Bytes of a README read for its front matter; a card's metadata is a few hundred bytes. */
export const CARD_READ_LIMIT = 64 * 1024

/**
 * The front matter of `text` as a plain object, or undefined when there is none or it is not a YAML mapping.
 * @example parseFrontMatter('---\nlicense: mit\n---\n# My model') // { license: 'mit' }
 */
export function parseFrontMatter(text: string): Record<string, unknown> | undefined {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(text)
  if (!match) return undefined
  let data: unknown
  try {
    // The core schema: no timestamps or other types JSON cannot carry; aliases capped against expansion bombs.
    data = parse(match[1] ?? '', { schema: 'core', maxAliasCount: 50, uniqueKeys: true, prettyErrors: false })
  } catch {
    return undefined
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined
  return data as Record<string, unknown>
}
