import type { Kysely } from 'kysely'
import type { Database } from '../db/schema.js'

export interface KeyTag {
  key: string
  value: string
}

/** Key/value tags (MLflow's tags) of models and versions; one row per key, a set replaces the value. */
export class KeyTagRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async setModelTag(modelId: number, tag: KeyTag): Promise<void> {
    await this.db
      .insertInto('model_key_tags')
      .values({ model_id: modelId, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['model_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute()
  }

  /** True when the key was there. */
  async deleteModelTag(modelId: number, key: string): Promise<boolean> {
    const rows = await this.db
      .deleteFrom('model_key_tags')
      .where('model_id', '=', modelId)
      .where('key', '=', key)
      .returning('key')
      .execute()
    return rows.length > 0
  }

  async setVersionTag(versionId: number, modelId: number, tag: KeyTag): Promise<void> {
    await this.db
      .insertInto('version_key_tags')
      .values({ version_id: versionId, model_id: modelId, key: tag.key, value: tag.value })
      .onConflict((oc) => oc.columns(['version_id', 'key']).doUpdateSet({ value: tag.value }))
      .execute()
  }

  async deleteVersionTag(versionId: number, key: string): Promise<boolean> {
    const rows = await this.db
      .deleteFrom('version_key_tags')
      .where('version_id', '=', versionId)
      .where('key', '=', key)
      .returning('key')
      .execute()
    return rows.length > 0
  }

  /** Tags of these models, by model id, keys in order. */
  async ofModels(modelIds: number[]): Promise<Map<number, KeyTag[]>> {
    const out = new Map<number, KeyTag[]>(modelIds.map((id) => [id, []]))
    if (modelIds.length === 0) return out
    const rows = await this.db
      .selectFrom('model_key_tags')
      .selectAll()
      .where('model_id', 'in', modelIds)
      .orderBy('key')
      .execute()
    for (const r of rows) out.get(Number(r.model_id))?.push({ key: r.key, value: r.value })
    return out
  }

  async ofVersions(versionIds: number[]): Promise<Map<number, KeyTag[]>> {
    const out = new Map<number, KeyTag[]>(versionIds.map((id) => [id, []]))
    if (versionIds.length === 0) return out
    const rows = await this.db
      .selectFrom('version_key_tags')
      .selectAll()
      .where('version_id', 'in', versionIds)
      .orderBy('key')
      .execute()
    for (const r of rows) out.get(Number(r.version_id))?.push({ key: r.key, value: r.value })
    return out
  }

  /** The versions of a model that have tags, newest first, each with its tags by key. */
  async ofVersionsOfModel(modelId: number): Promise<{ version: string; tags: KeyTag[] }[]> {
    const rows = await this.db
      .selectFrom('version_key_tags as t')
      .innerJoin('versions as v', 'v.id', 't.version_id')
      .select(['v.id', 'v.version', 't.key', 't.value'])
      .where('t.model_id', '=', modelId)
      .orderBy('v.id', 'desc')
      .orderBy('t.key')
      .execute()
    const out: { version: string; tags: KeyTag[] }[] = []
    let last: number | undefined
    for (const r of rows) {
      if (Number(r.id) !== last) out.push({ version: r.version, tags: [] })
      last = Number(r.id)
      out[out.length - 1]?.tags.push({ key: r.key, value: r.value })
    }
    return out
  }
}
