import { type Kysely, sql } from 'kysely'
import { toIso } from '../db/database.js'
import type { Database } from '../db/schema.js'

export interface UploadPartRecord {
  number: number
  size: number
  sha256: string
  /** The part store's tag of this copy of the part (blobs/part-store.ts); never shown to clients. */
  tag: string | null
}

export interface UploadSessionRecord {
  id: string
  modelId: number
  versionId: number
  path: string
  expectedSize: number | null
  expectedSha256: string | null
  mediaType: string | null
  createdBy: string
  createdAt: string
  expiresAt: string
  /** The part store's handle for the session (blobs/part-store.ts); never shown to clients. */
  storeHandle: string | null
  runningDigest: RunningDigest
  parts: UploadPartRecord[]
}

/** The sha256 of the file as far as its parts have gone through it, in order (decision 0029). */
export interface RunningDigest {
  /** Parts 1..hashedParts are in the hash. */
  hashedParts: number
  /** Its state (blobs/running-sha256.ts); null while no part is in it. */
  state: string | null
  /** Parts being received now that will try to join it. */
  partsArriving: number
}

export class UploadSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async insert(s: Omit<UploadSessionRecord, 'parts' | 'runningDigest'>): Promise<void> {
    await this.db
      .insertInto('upload_sessions')
      .values({
        id: s.id,
        model_id: s.modelId,
        version_id: s.versionId,
        path: s.path,
        expected_size: s.expectedSize,
        expected_sha256: s.expectedSha256,
        media_type: s.mediaType,
        created_by: s.createdBy,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        store_handle: s.storeHandle,
      })
      .execute()
  }

  async find(id: string): Promise<UploadSessionRecord | undefined> {
    const row = await this.db.selectFrom('upload_sessions').selectAll().where('id', '=', id).executeTakeFirst()
    if (!row) return undefined
    const parts = await this.db
      .selectFrom('upload_parts')
      .select(['number', 'size', 'sha256', 'store_tag'])
      .where('upload_id', '=', id)
      .orderBy('number')
      .execute()
    return {
      id: row.id,
      modelId: Number(row.model_id),
      versionId: Number(row.version_id),
      path: row.path,
      expectedSize: row.expected_size === null ? null : Number(row.expected_size),
      expectedSha256: row.expected_sha256,
      mediaType: row.media_type,
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      expiresAt: toIso(row.expires_at),
      storeHandle: row.store_handle,
      runningDigest: toRunningDigest(row),
      parts: parts.map((p) => ({ number: Number(p.number), size: Number(p.size), sha256: p.sha256, tag: p.store_tag })),
    }
  }

  /**
   * Records a received part; a retry of the same number replaces it. False when the session is gone (aborted or
   * expired while the part was arriving): nothing is recorded then.
   */
  async putPart(id: string, part: UploadPartRecord): Promise<boolean> {
    const res = await this.db
      .insertInto('upload_parts')
      .columns(['upload_id', 'number', 'size', 'sha256', 'store_tag'])
      .expression(
        this.db
          .selectFrom('upload_sessions')
          .select([
            'id',
            sql.lit(part.number).as('number'),
            sql.lit(part.size).as('size'),
            sql.lit(part.sha256).as('sha256'),
            sql<string | null>`cast(${part.tag} as text)`.as('store_tag'),
          ])
          .where('id', '=', id),
      )
      .onConflict((oc) =>
        oc.columns(['upload_id', 'number']).doUpdateSet({ size: part.size, sha256: part.sha256, store_tag: part.tag }),
      )
      .executeTakeFirst()
    // A part the running digest has taken in was replaced: the digest no longer tells the file's.
    await this.db
      .updateTable('upload_sessions')
      .set({ hashed_parts: 0, hash_state: null })
      .where('id', '=', id)
      .where('hashed_parts', '>=', part.number)
      .execute()
    return Number(res.numInsertedOrUpdatedRows ?? 0) > 0
  }

  async runningDigest(id: string): Promise<RunningDigest | undefined> {
    const row = await this.db
      .selectFrom('upload_sessions')
      .select(['hashed_parts', 'hash_state', 'parts_arriving'])
      .where('id', '=', id)
      .executeTakeFirst()
    return row && toRunningDigest(row)
  }

  /** One more (or, with -1, one fewer) part being received that will try to join the running digest. */
  async countArriving(id: string, delta: 1 | -1): Promise<void> {
    await this.db
      .updateTable('upload_sessions')
      .set((eb) => ({
        parts_arriving:
          delta > 0
            ? eb('parts_arriving', '+', 1)
            : sql<number>`case when parts_arriving > 0 then parts_arriving - 1 else 0 end`,
      }))
      .where('id', '=', id)
      .execute()
  }

  /**
   * Takes part `part.number` into the running digest if it holds parts 1..number-1 and the part recorded is still
   * this copy (same sha256 and store tag): false otherwise (another copy, a reset, a replica that was faster).
   */
  async extendDigest(id: string, part: UploadPartRecord, state: string): Promise<boolean> {
    const res = await this.db
      .updateTable('upload_sessions')
      .set({ hashed_parts: part.number, hash_state: state })
      .where('id', '=', id)
      .where('hashed_parts', '=', part.number - 1)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('upload_parts')
            .select('number')
            .where('upload_id', '=', id)
            .where('number', '=', part.number)
            .where('sha256', '=', part.sha256)
            .where('store_tag', '=', part.tag ?? ''),
        ),
      )
      .executeTakeFirst()
    return Number(res.numUpdatedRows) > 0
  }

  /**
   * Forgets parts the part store used up in a failed assembly, and records the store's new handle for the session
   * (the parts must be sent again).
   */
  async dropParts(id: string, numbers: readonly number[], storeHandle: string | null): Promise<void> {
    if (numbers.length > 0) {
      await this.db.deleteFrom('upload_parts').where('upload_id', '=', id).where('number', 'in', numbers).execute()
    }
    await this.db
      .updateTable('upload_sessions')
      .set({ store_handle: storeHandle, hashed_parts: 0, hash_state: null })
      .where('id', '=', id)
      .execute()
  }

  /**
   * Swaps the part store's handle of a session for a new one if it is still `stale` (another replica may have swapped
   * it first: then false, nothing changed), forgetting the parts kept under the old handle (those with a tag).
   */
  async replaceHandle(id: string, stale: string, fresh: string | null): Promise<number[] | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const res = await tx
        .updateTable('upload_sessions')
        .set({ store_handle: fresh, hashed_parts: 0, hash_state: null })
        .where('id', '=', id)
        .where('store_handle', '=', stale)
        .executeTakeFirst()
      if (Number(res.numUpdatedRows) === 0) return undefined
      const dropped = await tx
        .deleteFrom('upload_parts')
        .where('upload_id', '=', id)
        .where('store_tag', 'is not', null)
        .returning('number')
        .execute()
      return dropped.map((r) => Number(r.number)).sort((a, b) => a - b)
    })
  }

  /** Bytes received so far by one session. */
  async receivedBytes(id: string): Promise<number> {
    const row = await this.db
      .selectFrom('upload_parts')
      .select((eb) => eb.fn.sum<string | number | null>('size').as('bytes'))
      .where('upload_id', '=', id)
      .executeTakeFirst()
    return Number(row?.bytes ?? 0)
  }

  /** What a user has open: unexpired sessions, and the bytes of their received parts. */
  async openBy(username: string, now: string): Promise<{ sessions: number; bytes: number }> {
    const sessions = await this.db
      .selectFrom('upload_sessions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('created_by', '=', username)
      .where('expires_at', '>', now)
      .executeTakeFirst()
    const bytes = await this.db
      .selectFrom('upload_parts')
      .innerJoin('upload_sessions', 'upload_sessions.id', 'upload_parts.upload_id')
      .select((eb) => eb.fn.sum<string | number | null>('upload_parts.size').as('bytes'))
      .where('upload_sessions.created_by', '=', username)
      .where('upload_sessions.expires_at', '>', now)
      .executeTakeFirst()
    return { sessions: Number(sessions?.n ?? 0), bytes: Number(bytes?.bytes ?? 0) }
  }

  /** Ids of a user's unexpired sessions, newest first. */
  async listOpenBy(username: string, now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('upload_sessions')
      .select('id')
      .where('created_by', '=', username)
      .where('expires_at', '>', now)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }

  /** Which of these ids are sessions (expired or not). */
  async existing(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set()
    const rows = await this.db.selectFrom('upload_sessions').select('id').where('id', 'in', ids).execute()
    return new Set(rows.map((r) => r.id))
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('upload_sessions').where('id', '=', id).execute()
  }

  /** Unexpired sessions of everyone (the metrics' gauge). */
  async countOpen(now: string): Promise<number> {
    const row = await this.db
      .selectFrom('upload_sessions')
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .where('expires_at', '>', now)
      .executeTakeFirst()
    return Number(row?.n ?? 0)
  }

  async listExpired(now: string, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('upload_sessions')
      .select('id')
      .where('expires_at', '<', now)
      .limit(limit)
      .execute()
    return rows.map((r) => r.id)
  }
}

function toRunningDigest(row: {
  hashed_parts: unknown
  hash_state: string | null
  parts_arriving: unknown
}): RunningDigest {
  return { hashedParts: Number(row.hashed_parts), state: row.hash_state, partsArriving: Number(row.parts_arriving) }
}
