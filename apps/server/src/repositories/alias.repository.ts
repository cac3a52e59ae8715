import type { Kysely } from 'kysely'
import { toIso } from '../db/database.js'
import type { Database } from '../db/schema.js'

/** An alias with the version it points to, as services see it. */
export interface AliasRecord {
  id: number
  modelId: number
  name: string
  versionId: number
  /** The version's number, e.g. "1.2.0". */
  version: string
  protected: boolean
  createdBy: string
  createdAt: string
  updatedBy: string
  updatedAt: string
}

/** Aliases of a model: named pointers to one of its versions. Callers hold the model's row lock when writing. */
export class AliasRepository {
  constructor(private readonly db: Kysely<Database>) {}

  private select() {
    return this.db
      .selectFrom('aliases as a')
      .innerJoin('versions as v', 'v.id', 'a.version_id')
      .select([
        'a.id',
        'a.model_id',
        'a.name',
        'a.version_id',
        'v.version',
        'a.protected',
        'a.created_by',
        'a.created_at',
        'a.updated_by',
        'a.updated_at',
      ])
  }

  /** Every alias of the model, by name. */
  async list(modelId: number): Promise<AliasRecord[]> {
    const rows = await this.select().where('a.model_id', '=', modelId).orderBy('a.name').execute()
    return rows.map(toRecord)
  }

  async find(modelId: number, name: string): Promise<AliasRecord | undefined> {
    const row = await this.select().where('a.model_id', '=', modelId).where('a.name', '=', name).executeTakeFirst()
    return row && toRecord(row)
  }

  /** The aliases pointing at one version (a version they point to cannot be deleted). */
  async listForVersion(versionId: number): Promise<AliasRecord[]> {
    const rows = await this.select().where('a.version_id', '=', versionId).orderBy('a.name').execute()
    return rows.map(toRecord)
  }

  /** The aliases pointing at any of these versions, by name, in one query. */
  async listForVersions(versionIds: number[]): Promise<AliasRecord[]> {
    if (versionIds.length === 0) return []
    const rows = await this.select().where('a.version_id', 'in', versionIds).orderBy('a.name').execute()
    return rows.map(toRecord)
  }

  async insert(a: { modelId: number; name: string; versionId: number; protected: boolean; actor: string; at: string }) {
    await this.db
      .insertInto('aliases')
      .values({
        model_id: a.modelId,
        name: a.name,
        version_id: a.versionId,
        protected: a.protected ? 1 : 0,
        created_by: a.actor,
        created_at: a.at,
        updated_by: a.actor,
        updated_at: a.at,
      })
      .execute()
  }

  async move(id: number, c: { versionId: number; protected: boolean; actor: string; at: string }): Promise<void> {
    await this.db
      .updateTable('aliases')
      .set({ version_id: c.versionId, protected: c.protected ? 1 : 0, updated_by: c.actor, updated_at: c.at })
      .where('id', '=', id)
      .execute()
  }

  async delete(id: number): Promise<void> {
    await this.db.deleteFrom('aliases').where('id', '=', id).execute()
  }
}

function toRecord(r: {
  id: number
  model_id: number
  name: string
  version_id: number
  version: string
  protected: number
  created_by: string
  created_at: string | Date
  updated_by: string
  updated_at: string | Date
}): AliasRecord {
  return {
    id: Number(r.id),
    modelId: Number(r.model_id),
    name: r.name,
    versionId: Number(r.version_id),
    version: r.version,
    protected: Number(r.protected) === 1,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
    updatedBy: r.updated_by,
    updatedAt: toIso(r.updated_at),
  }
}
