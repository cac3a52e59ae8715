// A sha256 whose state can be saved and taken up again elsewhere: the hash of an upload session's file, advanced by
// whichever replica receives the next part (decision 0029). Node's own hash cannot export its state; hash-wasm's can.
import { createSHA256, type IHasher } from 'hash-wasm'

/** A sha256 resumed from `state` (as `save` returned it), or a fresh one. */
export async function resumeSha256(state?: string | null): Promise<RunningSha256> {
  const hasher = await createSHA256()
  hasher.init()
  if (state) hasher.load(Buffer.from(state, 'base64'))
  return new RunningSha256(hasher)
}

export class RunningSha256 {
  constructor(private readonly hasher: IHasher) {}

  update(chunk: Uint8Array): this {
    this.hasher.update(chunk)
    return this
  }

  /** The state so far, as text (about 160 characters) for `resumeSha256`. */
  save(): string {
    return Buffer.from(this.hasher.save()).toString('base64')
  }

  digest(): string {
    return this.hasher.digest('hex')
  }
}
