import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import { isUniqueViolation } from '../db/database.js'
import type { Database } from '../db/schema.js'

export class OrganisationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async findByName(name: string): Promise<{ id: string; name: string } | undefined> {
    return this.db.selectFrom('organisations').select(['id', 'name']).where('name', '=', name).executeTakeFirst()
  }

  async list(): Promise<{ id: string; name: string }[]> {
    return this.db.selectFrom('organisations').select(['id', 'name']).orderBy('name').execute()
  }

  /** Creates the organisation if it does not exist (idempotent, race-safe). */
  async ensure(name: string, now: string): Promise<{ id: string; name: string }> {
    const found = await this.findByName(name)
    if (found) return found
    try {
      await this.db.insertInto('organisations').values({ id: randomUUID(), name, created_at: now }).execute()
    } catch (err) {
      if (!isUniqueViolation(err)) throw err
    }
    const created = await this.findByName(name)
    if (!created) throw new Error(`organisation ${name} vanished after insert`)
    return created
  }
}
