// Sign-in throttling counters in the database, so that every replica on one PostgreSQL meets the same budgets
// (services/login-throttle.ts decides; this store keeps the hits). Rows whose newest hit no longer matters are
// deleted as they are met and, every so often, all at once.
import type { Kysely } from 'kysely'
import type { Dialect } from '../db/database.js'
import type { Database } from '../db/schema.js'
import type { ThrottleKey, ThrottleStore } from '../services/login-throttle.js'

/** Expired rows are swept at most this often (ms), by whichever update comes first after it. */
const SWEEP_EVERY_MS = 60_000

export class LoginThrottleRepository implements ThrottleStore {
  private lastSweep = 0

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * One transaction. PostgreSQL: the keys' rows are created if missing and locked in key order (so two updates that
   * share keys wait for each other, never deadlock); SQLite: the one connection serialises transactions.
   */
  async update<T>(
    keys: readonly ThrottleKey[],
    decide: (hits: number[][]) => { hits: number[][]; result: T },
  ): Promise<T> {
    const names = [...new Set(keys.map((k) => k.key))].sort()
    const result = await this.db.transaction().execute(async (tx) => {
      let rows: { key: string; hits: string }[]
      if (this.dialect === 'postgres') {
        await tx
          .insertInto('login_throttle')
          .values(names.map((key) => ({ key, hits: '[]', expires_at: 0 })))
          .onConflict((oc) => oc.column('key').doNothing())
          .execute()
        rows = await tx
          .selectFrom('login_throttle')
          .select(['key', 'hits'])
          .where('key', 'in', names)
          .orderBy('key')
          .forUpdate()
          .execute()
      } else {
        rows = await tx.selectFrom('login_throttle').select(['key', 'hits']).where('key', 'in', names).execute()
      }
      const stored = new Map(rows.map((r) => [r.key, JSON.parse(r.hits) as number[]]))
      const decided = decide(keys.map((k) => stored.get(k.key) ?? []))
      for (const [i, { key, maxAgeMs }] of keys.entries()) {
        const hits = decided.hits[i] ?? []
        if (hits.length === 0) {
          await tx.deleteFrom('login_throttle').where('key', '=', key).execute()
          continue
        }
        const row = { key, hits: JSON.stringify(hits), expires_at: Math.max(...hits) + maxAgeMs }
        await tx
          .insertInto('login_throttle')
          .values(row)
          .onConflict((oc) => oc.column('key').doUpdateSet({ hits: row.hits, expires_at: row.expires_at }))
          .execute()
      }
      return decided.result
    })
    await this.sweep()
    return result
  }

  /** Deletes the rows that no longer matter: at most once a minute per process. */
  private async sweep(): Promise<void> {
    const t = this.now()
    if (t - this.lastSweep < SWEEP_EVERY_MS) return
    this.lastSweep = t
    await this.db.deleteFrom('login_throttle').where('expires_at', '<', t).execute()
  }

  /** Rows stored (tests). */
  async count(): Promise<number> {
    const { n } = await this.db
      .selectFrom('login_throttle')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(n)
  }
}
