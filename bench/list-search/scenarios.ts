// What the list/search benchmark asks and how it times it: two personas with tokens, the cases (URLs), the timing
// loop through the real HTTP layer (buildApp + app.inject), and EXPLAIN of the slowest statements.
import { randomBytes, randomUUID } from 'node:crypto'
import os from 'node:os'
import type { ModelSort } from '@modelreg/contract'
import SqliteDatabase from 'better-sqlite3'
import { CompiledQuery, Kysely, type LogEvent, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { buildApp } from '../../apps/server/src/app.js'
import type { Db } from '../../apps/server/src/db/database.js'
import type { Database } from '../../apps/server/src/db/schema.js'
import { ModelRepository } from '../../apps/server/src/repositories/model.repository.js'
import type { Store } from '../../apps/server/src/repositories/repositories.js'
import type { Viewer } from '../../apps/server/src/repositories/visibility.js'
import { digest } from '../../apps/server/src/services/auth.service.js'
import { bigModelName, fmtCount, rare, rareWord, type Scale, searchTerms } from './rows.js'
import { postgresUrl } from './seed.js'

type App = Awaited<ReturnType<typeof buildApp>>
type Response = Awaited<ReturnType<App['inject']>>

/**
 * Who asks: `member` belongs to the organisation without being its admin, so lists apply the visibility rule (public,
 * own or shared models: here the public ones); `admin` is the site admin, who sees every model.
 */
export type Persona = 'member' | 'admin'

/** The app as one user: every request carries that user's API token. */
export interface Client {
  get(url: string): Promise<Response>
}

export interface Case {
  label: string
  /** The URL to time; may page through the API first (cursor cases). */
  url: (client: Client) => Promise<string>
  as?: Persona
}

export interface Timing {
  median: number
  p95: number
  rows: number
}

export type Measured = Timing & { url: string; as: Persona }

/** A member of `default` and the site admin, each with a read token, and the viewers the repository sees for them. */
export async function personas(app: App, store: Store, db: Db) {
  const now = new Date().toISOString()
  const admin = await db.kysely
    .selectFrom('users')
    .select(['id', 'username'])
    .where('site_admin', '=', 1)
    .executeTakeFirstOrThrow()
  const org = await store.pool.organisations.findByName('default')
  if (!org) throw new Error('default organisation missing')
  const member = { id: randomUUID(), username: 'bench.member' }
  await store.pool.users.insert({ ...member, siteAdmin: false, createdAt: now, passwordHash: '!' })
  await store.pool.users.setMembership(org.id, member.id, 'member', now)
  const clients = {} as Record<Persona, Client>
  for (const [persona, user] of [
    ['member', member],
    ['admin', admin],
  ] as const) {
    const token = `mrt_bench_${randomBytes(24).toString('base64url')}`
    await store.pool.credentials.insertToken({
      id: randomUUID(),
      userId: user.id,
      name: 'bench',
      scope: 'read',
      tokenHash: digest(token),
      createdAt: now,
      expiresAt: null,
      lastUsedAt: now,
      revokedAt: null,
    })
    clients[persona] = {
      get: (url) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }),
    }
  }
  const viewers: Record<Persona, Viewer> = {
    member: { userId: member.id, username: member.username, siteAdmin: false },
    admin: { userId: admin.id, username: admin.username, siteAdmin: true },
  }
  return { clients, viewers }
}

async function getJson(client: Client, url: string): Promise<{ items: unknown[]; nextCursor: string | null }> {
  const res = await client.get(url)
  if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`)
  return res.json()
}

/** Follows nextCursor `pages - 1` times and returns the URL of page `pages`. */
async function pageUrl(client: Client, base: string, pages: number): Promise<string> {
  let url = base
  for (let p = 1; p < pages; p++) {
    const page = await getJson(client, url)
    if (page.nextCursor === null) throw new Error(`${base}: no page ${p + 1}`)
    url = `${base}${base.includes('?') ? '&' : '?'}cursor=${encodeURIComponent(page.nextCursor)}`
  }
  return url
}

export function cases(scale: Scale): Case[] {
  const fixed = (url: string) => async () => url
  const models = '/api/v1/models'
  const big = `${models}/default/${encodeURIComponent(bigModelName)}`
  // The member sees about a third of the models: page numbers that exist at smoke scale too.
  const page = Math.min(50, Math.floor(scale.models / 200))
  const searchPage = Math.max(1, Math.min(3, Math.floor(scale.models / 10_000)))
  const deepPages = Math.max(2, Math.floor(scale.bigVersions / 2 / 500))
  // A typical model: the first one of the default list (a handful of versions).
  const typical = async (client: Client, suffix: string) => {
    const page = (await getJson(client, `${models}?limit=1`)) as { items: { org: string; name: string }[] }
    const m = page.items[0]
    if (!m) throw new Error('no model to look up')
    return `${models}/${m.org}/${encodeURIComponent(m.name)}${suffix}`
  }
  return [
    { label: 'models: first page (default sort -updated)', url: fixed(models) },
    { label: `models: page ${page} via cursors (-updated)`, url: (client) => pageUrl(client, models, page) },
    { label: `models: page ${page} via cursors (name)`, url: (client) => pageUrl(client, `${models}?sort=name`, page) },
    ...(['updated', 'name', '-name', 'created', '-created'] as const).map((sort) => ({
      label: `models: sort=${sort}`,
      url: fixed(`${models}?sort=${sort}`),
    })),
    { label: 'models: org=default', url: fixed(`${models}?org=default`) },
    {
      label: 'models: org=default&stage=production&sort=name',
      url: fixed(`${models}?org=default&stage=production&sort=name`),
    },
    { label: 'models: framework=onnx', url: fixed(`${models}?framework=onnx`) },
    { label: 'models: framework=onnx&sort=name', url: fixed(`${models}?framework=onnx&sort=name`) },
    { label: 'models: framework=others&sort=-created', url: fixed(`${models}?framework=others&sort=-created`) },
    { label: 'models: status=deployed', url: fixed(`${models}?status=deployed`) },
    { label: 'models: stage=production', url: fixed(`${models}?stage=production`) },
    { label: 'models: tag=quantized', url: fixed(`${models}?tag=quantized`) },
    { label: 'models: tag=vision&tag=quantized', url: fixed(`${models}?tag=vision&tag=quantized`) },
    { label: `models: tag=${rareWord} (rare)`, url: fixed(`${models}?tag=${rareWord}`) },
    {
      label: `models: tag=${rare.bigModelTag} (1 model, all its versions)`,
      url: fixed(`${models}?tag=${rare.bigModelTag}`),
    },
    { label: 'models: author=kemi.haddad', url: fixed(`${models}?author=kemi.haddad`) },
    { label: `models: author=${rare.author} (rare)`, url: fixed(`${models}?author=${rare.author}`) },
    { label: 'models: author=nobody (no match)', url: fixed(`${models}?author=nobody`) },
    { label: 'models: license=gpl', url: fixed(`${models}?license=gpl`) },
    {
      label: 'models: framework=onnx&stage=production&sort=name',
      url: fixed(`${models}?framework=onnx&stage=production&sort=name`),
    },
    { label: `models: q=${searchTerms.many} (many matches)`, url: fixed(`${models}?q=${searchTerms.many}`) },
    { label: `models: q=${searchTerms.all} (matches every model)`, url: fixed(`${models}?q=${searchTerms.all}`) },
    { label: `models: q=${searchTerms.few} (few matches)`, url: fixed(`${models}?q=${searchTerms.few}`) },
    { label: `models: q=${searchTerms.twoLetters} (2 letters)`, url: fixed(`${models}?q=${searchTerms.twoLetters}`) },
    {
      label: `models: q=${searchTerms.twoLettersRare} (2 letters, rare)`,
      url: fixed(`${models}?q=${searchTerms.twoLettersRare}`),
    },
    {
      label: `models: q=${searchTerms.many}&sort=name, page ${searchPage}`,
      url: (client) => pageUrl(client, `${models}?q=${searchTerms.many}&sort=name`, searchPage),
    },
    {
      label: `models: q=${searchTerms.many}&stage=production`,
      url: fixed(`${models}?q=${searchTerms.many}&stage=production`),
    },
    { label: 'admin: models: first page', url: fixed(models), as: 'admin' },
    { label: 'admin: models: stage=production', url: fixed(`${models}?stage=production`), as: 'admin' },
    { label: `admin: models: tag=${rareWord} (rare)`, url: fixed(`${models}?tag=${rareWord}`), as: 'admin' },
    { label: `admin: models: q=${searchTerms.many}`, url: fixed(`${models}?q=${searchTerms.many}`), as: 'admin' },
    // The Analytics page's summary over every visible model (issue 16: <= 50 ms at 100,000 models).
    { label: 'analytics: summary', url: fixed('/api/v1/analytics/summary') },
    { label: 'analytics: summary, org=default', url: fixed('/api/v1/analytics/summary?org=default') },
    { label: 'admin: analytics: summary', url: fixed('/api/v1/analytics/summary'), as: 'admin' },
    { label: 'model: detail', url: (client) => typical(client, '') },
    {
      label: `versions: first page (model with ${fmtCount(scale.bigVersions)} versions)`,
      url: fixed(`${big}/versions`),
    },
    {
      label: `versions: deep cursor page (after ${fmtCount((deepPages - 1) * 500)} versions)`,
      url: async (client) => {
        const url = await pageUrl(client, `${big}/versions?limit=500`, deepPages)
        return url.replace('limit=500&', '')
      },
    },
    { label: 'versions: first page (typical model)', url: (client) => typical(client, '/versions') },
    { label: 'version: latest (large model)', url: fixed(`${big}/versions/latest`) },
    // Version references through the resolver (issue 14: a range on the 200,000-version model, p95 <= 5 ms).
    ...versionRanges(scale.bigVersions).map((ref) => ({
      label: `version: ${ref} (large model)`,
      url: fixed(`${big}/versions/${encodeURIComponent(ref)}`),
    })),
    { label: 'version: latest (typical model)', url: (client) => typical(client, '/versions/latest') },
  ]
}

/**
 * Ranges on the large model that each match a version: the published ones at full scale (majors 0–19); a smaller
 * model (a smoke run) has fewer majors (10,000 nightly versions per major), so the majors shrink to fit.
 */
function versionRanges(bigVersions: number): string[] {
  const top = Math.max(0, Math.floor((bigVersions - 1) / 10_000))
  const m = (major: number) => Math.min(major, top)
  return [
    `^${m(12)}.3`,
    `~${m(5)}.5.5`,
    `>=${m(3)}.0.0 <${m(3) + 1}.0.0`,
    top >= 7 ? '1.x || 7.x' : `0.x || ${top}.x`,
    'production',
  ]
}

export const WARMUP = 3
/** 1-minute load averages at the start and end of each measuring phase. */
export const loads: number[] = []

/** Resolves every URL, warms every path up (JIT, caches) WARMUP times, then times each case `runs` times in turn. */
export async function measure(
  clients: Record<Persona, Client>,
  list: Case[],
  runs: number,
): Promise<Map<string, Measured>> {
  loads.push(os.loadavg()[0] ?? 0)
  const urls: string[] = []
  for (const c of list) urls.push(await c.url(clients[c.as ?? 'member']))
  const rows: number[] = []
  for (let i = 0; i < WARMUP; i++) {
    for (const [k, url] of urls.entries()) {
      rows[k] = (await getJson(clients[list[k]?.as ?? 'member'], url)).items?.length ?? 1
    }
  }
  const out = new Map<string, Measured>()
  for (const [k, c] of list.entries()) {
    const url = urls[k] as string
    const client = clients[c.as ?? 'member']
    const times: number[] = []
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now()
      const res = await client.get(url)
      times.push(performance.now() - t0)
      if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}`)
    }
    times.sort((a, b) => a - b)
    const median = quantile(times, 0.5)
    out.set(c.label, { median, p95: quantile(times, 0.95), rows: rows[k] ?? 0, url, as: c.as ?? 'member' })
    console.log(`  ${c.label.padEnd(62)} ${median.toFixed(2).padStart(8)} ms  (${rows[k]} rows)`)
  }
  loads.push(os.loadavg()[0] ?? 0)
  return out
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo)
}

// ---------------------------------------------------------------------------------------------------------------
// Explaining

/**
 * Runs the list query of a models URL once through a ModelRepository whose Kysely logs every statement (the
 * service's mapping of the query string), then explains the slowest statement.
 */
async function explainSlowest(target: Target, url: string, viewer: Viewer): Promise<string> {
  const logged: LogEvent[] = []
  const logging = loggingDb(target, (e) => logged.push(e))
  try {
    const params = new URL(url, 'http://bench.invalid').searchParams
    const one = (k: string) => params.get(k) ?? undefined
    await new ModelRepository(logging.kysely, logging.dialect).list({
      viewer,
      q: one('q'),
      org: one('org'),
      framework: one('framework'),
      status: one('status'),
      stage: one('stage'),
      author: one('author'),
      license: one('license'),
      tags: params.getAll('tag'),
      sort: (one('sort') ?? '-updated') as ModelSort,
      limit: Number(one('limit') ?? 50),
      cursor: one('cursor'),
    })
    const slowest = logged
      .filter((e) => e.level === 'query')
      .sort((a, b) => b.queryDurationMillis - a.queryDurationMillis)[0]
    if (!slowest) return '(no query)'
    const { sql, parameters } = slowest.query
    const explain =
      target.dialect === 'sqlite' ? `explain query plan ${sql}` : `explain (analyze, costs off, summary on) ${sql}`
    const result = await logging.kysely.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(explain, [...parameters]),
    )
    const plan =
      target.dialect === 'sqlite'
        ? sqlitePlan(result.rows as { id: number; parent: number; detail: string }[])
        : result.rows.map((r) => String(r['QUERY PLAN'])).join('\n')
    return `-- ${slowest.queryDurationMillis.toFixed(1)} ms\n${oneLine(sql)}\n${plan}`
  } finally {
    await logging.close()
  }
}

export const oneLine = (sql: string) => (sql.length > 600 ? `${sql.slice(0, 600)} …` : sql).replace(/\s+/g, ' ')

export function sqlitePlan(rows: { id: number; parent: number; detail: string }[]): string {
  const depth = new Map<number, number>([[0, 0]])
  return rows
    .map((r) => {
      const d = (depth.get(r.parent) ?? 0) + 1
      depth.set(r.id, d)
      return `${'  '.repeat(d - 1)}${r.detail}`
    })
    .join('\n')
}

/** Where a database lives, to open a second connection to it. */
export type Target = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; schema: string }

/** A second connection to the same database with query logging (kept apart from the timed app). */
export function loggingDb(target: Target, log: (e: LogEvent) => void): Db {
  if (target.dialect === 'sqlite') {
    const database = new SqliteDatabase(target.file)
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database }), log })
    return { kysely, dialect: 'sqlite', close: () => kysely.destroy() }
  }
  const { schema } = target
  const pool = new pg.Pool({ connectionString: postgresUrl, max: 2, options: `-c search_path=${schema},public` })
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), log })
  return { kysely, dialect: 'postgres', close: () => kysely.destroy() }
}

/** The query plan of one slow request. */
export interface Plan {
  label: string
  median: number
  plan: string
}

/** Plans of the three slowest models-list requests. */
export async function explainTop(
  target: Target,
  timings: Map<string, Measured>,
  viewers: Record<Persona, Viewer>,
): Promise<Plan[]> {
  const top = [...timings.entries()]
    .filter(([label]) => label.includes('models:'))
    .sort((a, b) => b[1].median - a[1].median)
    .slice(0, 3)
  const plans: Plan[] = []
  for (const [label, t] of top)
    plans.push({ label, median: t.median, plan: await explainSlowest(target, t.url, viewers[t.as]) })
  return plans
}
