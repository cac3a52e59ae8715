// The running sha256 of an upload session's file (decision 0029): parts join it in order as they arrive, on whichever
// replica took them, so that completing the session reads back only the parts that could not join. The hash state
// lives with the session (upload_sessions.hash_state); this module decides which parts are kept in memory for it
// and when a part that arrived early waits for the ones before it.
import type { PartStore } from '../blobs/part-store.js'
import { resumeSha256 } from '../blobs/running-sha256.js'
import type { UploadPartRecord, UploadSessionRecord } from '../repositories/upload-session.repository.js'
import type { ServiceDeps } from './service-deps.js'

const MiB = 1024 * 1024

/**
 * How parts join the running sha256 of their file as they arrive: a part of at most `maxPartBytes` is kept in memory
 * (at most `memoryBytes` of parts at once per process) until the parts before it are in the hash; it waits for them
 * only while another part of the session is arriving, or one is about to join (`quietMs`).
 */
export interface RunningDigestOptions {
  maxPartBytes: number
  memoryBytes: number
  quietMs: number
  /** However busy the session, a part waits no longer than this for the hash to move. */
  stallMs: number
  pollMs: number
}

export const runningDigestDefaults: RunningDigestOptions = {
  maxPartBytes: 128 * MiB,
  memoryBytes: 512 * MiB,
  quietMs: 3000,
  stallMs: 60_000,
  pollMs: 20,
}

/** The repositories this module uses (its named dependencies). */
type Uses = 'uploads'

/** One part's place in the running digest while it is received. `release()` once the part is done, however it ended. */
export interface DigestTicket {
  /** Whether the part store should hand back the part's bytes (`PartWriteOptions.keep`). */
  readonly keep: boolean
  /** Takes the received part into the digest when its turn comes, or gives up; never fails. */
  join(part: UploadPartRecord, bytes: readonly Buffer[]): Promise<void>
  release(): Promise<void>
}

/**
 * @example
 * const ticket = await digests.arrive(session, length)
 * try {
 *   const info = await parts.write(id, number, body, { keep: ticket.keep, … })
 *   if (info.bytes && info.tag !== null) await ticket.join({ number, size, sha256, tag: info.tag }, info.bytes)
 * } finally {
 *   await ticket.release()
 * }
 */
export class RunningDigests {
  /** Bytes of parts held in memory for the running digest, in this process. */
  private keptBytes = 0
  private readonly opts: RunningDigestOptions

  constructor(
    private readonly deps: ServiceDeps<Uses>,
    private readonly parts: PartStore,
    opts: Partial<RunningDigestOptions> = {},
  ) {
    this.opts = { ...runningDigestDefaults, ...opts }
  }

  /**
   * A part of `length` bytes starts arriving: it is kept for the digest if the store can use one and memory allows,
   * and is then counted as arriving (other parts of the session wait for the hash while it is).
   */
  async arrive(session: UploadSessionRecord, length: number | undefined): Promise<DigestTicket> {
    const id = session.id
    const repos = this.deps.store.pool.uploads
    const kept = this.reserve(session, length)
    let arriving = false
    const arrival = {
      leave: async () => {
        if (arriving) await repos.countArriving(id, -1)
        arriving = false
      },
      rejoin: async () => {
        if (!arriving) await repos.countArriving(id, 1)
        arriving = true
      },
    }
    if (kept > 0) await arrival.rejoin()
    return {
      keep: kept > 0,
      join: (part, bytes) => this.join(id, part, bytes, arrival).catch(() => undefined),
      release: async () => {
        this.keptBytes -= kept
        await arrival.leave()
      },
    }
  }

  /** Bytes of memory reserved for keeping a part of this length for the running digest (0: not kept). */
  private reserve(session: UploadSessionRecord, length: number | undefined): number {
    const { maxPartBytes, memoryBytes } = this.opts
    if (!session.storeHandle || length === undefined || !this.parts.takesRunningDigest?.(length)) return 0
    if (length > maxPartBytes || this.keptBytes + length > memoryBytes) return 0
    this.keptBytes += length
    return length
  }

  /**
   * Takes a part into the running sha256 of its file once parts 1..n-1 are in it. While they are not, the part waits,
   * as long as another part of the session is arriving (or has just arrived, `quietMs`), the hash moves (`stallMs`)
   * and the session lives; then it gives up and `complete` reads it back. A part is not counted as arriving while it
   * waits (waiting parts cannot move the hash), and is again while it hashes.
   */
  private async join(
    id: string,
    part: UploadPartRecord,
    bytes: readonly Buffer[],
    arrival: { leave: () => Promise<void>; rejoin: () => Promise<void> },
  ): Promise<void> {
    const repos = this.deps.store.pool.uploads
    const { quietMs, stallMs, pollMs } = this.opts
    let seen = -1
    let movedAt = Date.now()
    let busyAt = Date.now()
    for (;;) {
      const digest = await repos.runningDigest(id)
      if (!digest || digest.hashedParts >= part.number) return
      if (digest.hashedParts === part.number - 1) {
        await arrival.rejoin()
        const hash = await resumeSha256(digest.state)
        for (const chunk of bytes) hash.update(chunk)
        await repos.extendDigest(id, part, hash.save())
        return
      }
      await arrival.leave()
      const now = Date.now()
      if (digest.hashedParts !== seen) {
        seen = digest.hashedParts
        movedAt = now
        busyAt = now
      }
      if (digest.partsArriving > 0) busyAt = now
      if (now - busyAt > quietMs || now - movedAt > stallMs) return
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
  }
}

/** The running digest of the session's file, if any part is in it (`AssembleOptions.hashed`). */
export function hashedSoFar(session: UploadSessionRecord): { parts: number; state: string } | undefined {
  const { hashedParts, state } = session.runningDigest
  return hashedParts > 0 && state !== null ? { parts: hashedParts, state } : undefined
}
