// Resolving a version reference on the 200,000-version model (issue 14: a range <= 5 ms p95 on both databases).
// One model is bulk-loaded (list-search/rows.ts + seed.ts, through list-search/databases.ts) with release trains
// that carry pre-releases and gaps; each reference form is then timed twice: through the resolver itself
// (services/version-resolver.ts) and through GET /api/v1/models/{org}/{name}/versions/{ref} (buildApp + inject),
// side by side with the exact-version lookup, the floor a reference cannot go below.
import os from 'node:os'
import { CompiledQuery, type LogEvent } from 'kysely'
import { buildApp } from '../apps/server/src/app.js'
import { Repositories } from '../apps/server/src/repositories/repositories.js'
import type { Actor } from '../apps/server/src/services/service-deps.js'
import { resolveVersion } from '../apps/server/src/services/version-resolver.js'
import { onPostgres, onSqlite, type Seeded } from './list-search/databases.js'
import { bigModelName, envInt, fmtCount, generate, type Scale } from './list-search/rows.js'
import { loggingDb, oneLine, personas, sqlitePlan } from './list-search/scenarios.js'
import type { BenchSection } from './run.js'

const DEFAULT_VERSIONS = 200_000
const WARMUP = 20

/**
 * Release trains in creation order: per minor a beta and a release candidate before x.y.0, then the patches; gaps
 * where nothing was published (no major 4, 9, 14…; no minor 7, 17…; no patch ending in 3). 200,000 versions reach
 * major 58; about 2% are pre-releases.
 */
export function releaseTrains(n: number): string[] {
  const out: string[] = []
  for (let major = 0; ; major++) {
    if (major % 5 === 4) continue
    for (let minor = 0; minor < 50; minor++) {
      if (minor % 10 === 7) continue
      for (let patch = 0; patch < 100; patch++) {
        if (patch % 10 === 3) continue
        if (patch === 0) out.push(`${major}.${minor}.0-beta.1`, `${major}.${minor}.0-rc.1`)
        out.push(`${major}.${minor}.${patch}`)
        if (out.length >= n) return out.slice(0, n)
      }
    }
  }
}

/** What is timed: the label, the reference and the version it must resolve to. */
interface Ref {
  label: string
  ref: string
}

const EXACT = '1.2.50'
const ALIAS = 'champion'
const refs: Ref[] = [
  { label: `exact (${EXACT}), the floor`, ref: EXACT },
  { label: '^1.2', ref: '^1.2' },
  { label: '~1.2.3', ref: '~1.2.3' },
  { label: '1.x', ref: '1.x' },
  { label: '>=1.0.0 <2.0.0', ref: '>=1.0.0 <2.0.0' },
  { label: 'latest', ref: 'latest' },
  { label: `alias (${ALIAS})`, ref: ALIAS },
  { label: 'production (stage)', ref: 'production' },
]

interface Timed {
  p50: number
  p95: number
  version: string
}

interface DialectRun {
  name: string
  /** Statements per resolution, by label, and the plan of the range's own statement. */
  statements: Map<string, number>
  plan: string
  version: string
  seedSeconds: number
  resolver: Map<string, Timed>
  http: Map<string, Timed>
  loads: number[]
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo)
}

/** Warms `fn` up, then times it `runs` times; every answer must name the same version. */
async function time(runs: number, fn: () => Promise<string>): Promise<Timed> {
  let version = ''
  for (let i = 0; i < WARMUP; i++) version = await fn()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    const got = await fn()
    times.push(performance.now() - t0)
    if (got !== version) throw new Error(`answer changed: ${version} then ${got}`)
  }
  times.sort((a, b) => a - b)
  return { p50: quantile(times, 0.5), p95: quantile(times, 0.95), version }
}

async function measure(name: string, s: Seeded, runs: number): Promise<DialectRun> {
  const { registry } = s
  const repos = registry.store.pool
  const model = await registry.db.kysely
    .selectFrom('models')
    .select('id')
    .where('name', '=', bigModelName)
    .executeTakeFirstOrThrow()
  const target = await registry.db.kysely
    .selectFrom('versions')
    .select('id')
    .where('model_id', '=', model.id)
    .where('version', '=', '1.20.40')
    .executeTakeFirstOrThrow()
  await repos.aliases.insert({
    modelId: model.id,
    name: ALIAS,
    versionId: target.id,
    protected: false,
    actor: 'bench',
    at: new Date().toISOString(),
  })
  const app = await buildApp({ db: registry.db, services: registry.services })
  try {
    const { clients, viewers } = await personas(app, registry.store, registry.db)
    // The organisation's member (not its admin): the model is public, so reads pass the visibility rule.
    const actor: Actor = { ...viewers.member, scope: 'read', credential: 'token' }
    const base = `/api/v1/models/default/${encodeURIComponent(bigModelName)}/versions/`
    const loads = [os.loadavg()[0] ?? 0]
    const resolver = new Map<string, Timed>()
    const http = new Map<string, Timed>()
    for (const { label, ref } of refs) {
      resolver.set(
        label,
        await time(runs, async () => {
          const { version } = await resolveVersion(repos, actor, 'read', 'default', bigModelName, ref)
          return version.version
        }),
      )
      const url = `${base}${encodeURIComponent(ref)}`
      http.set(
        label,
        await time(runs, async () => {
          const res = await clients.member.get(url)
          if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body}`)
          return (res.json() as { version: string }).version
        }),
      )
      const a = resolver.get(label)?.version
      const b = http.get(label)?.version
      if (a !== b) throw new Error(`${ref}: the resolver says ${a}, the API ${b}`)
      console.log(
        `  ${name} ${label.padEnd(28)} → ${a?.padEnd(12)} resolver p50/p95 ${resolver.get(label)?.p50.toFixed(2)}/${resolver.get(label)?.p95.toFixed(2)} ms, HTTP ${http.get(label)?.p50.toFixed(2)}/${http.get(label)?.p95.toFixed(2)} ms`,
      )
    }
    loads.push(os.loadavg()[0] ?? 0)
    const { statements, plan } = await explain(s, actor)
    return { name, version: s.version, seedSeconds: s.seed.seconds, resolver, http, loads, statements, plan }
  } finally {
    await app.close()
  }
}

/**
 * Each reference once more through the resolver on a second, logging connection: how many statements it runs, and
 * the plan of the last statement of `^1.2` (the range's candidate query).
 */
async function explain(s: Seeded, actor: Actor): Promise<{ statements: Map<string, number>; plan: string }> {
  let logged: LogEvent[] = []
  const db = loggingDb(s.target, (e) => logged.push(e))
  try {
    const repos = new Repositories(db.kysely, db.dialect)
    const statements = new Map<string, number>()
    let plan = ''
    for (const { label, ref } of refs) {
      logged = []
      await resolveVersion(repos, actor, 'read', 'default', bigModelName, ref)
      statements.set(label, logged.length)
      const last = logged[logged.length - 1]
      if (ref !== '^1.2' || !last) continue
      const { sql, parameters } = last.query
      const sqlite = s.target.dialect === 'sqlite'
      const result = await db.kysely.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(sqlite ? `explain query plan ${sql}` : `explain (analyze, costs off, summary on) ${sql}`, [
          ...parameters,
        ]),
      )
      const text = sqlite
        ? sqlitePlan(result.rows as { id: number; parent: number; detail: string }[])
        : result.rows.map((r) => String(r['QUERY PLAN'])).join('\n')
      plan = `${oneLine(sql)}\n${text}`
    }
    return { statements, plan }
  } finally {
    await db.close()
  }
}

const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1))

function table(runs: DialectRun[], pick: (r: DialectRun) => Map<string, Timed>): string {
  const head = runs.flatMap((r) => [`${r.name} p50`, `${r.name} p95`, `${r.name} p95 / exact`])
  const lines = [
    `| Reference | Resolves to | ${head.join(' | ')} |`,
    `| --- | --- | ${head.map(() => '---:').join(' | ')} |`,
  ]
  for (const { label } of refs) {
    const cells = runs.flatMap((r) => {
      const t = pick(r).get(label)
      const floor = pick(r).get(refs[0]?.label ?? '')
      return [ms(t?.p50), `**${ms(t?.p95)}**`, t && floor ? `${(t.p95 / floor.p95).toFixed(2)}×` : '–']
    })
    const to = pick(runs[0] as DialectRun).get(label)?.version ?? ''
    lines.push(`| \`${label.replace(/\|/g, '\\|')}\` | ${to} | ${cells.join(' | ')} |`)
  }
  return lines.join('\n')
}

/** Seeds the one large model on each database (BENCH_DIALECTS) and times every reference form. */
export async function resolveBench(): Promise<BenchSection> {
  const versions = envInt('BENCH_RESOLVE_VERSIONS', DEFAULT_VERSIONS)
  const runs = envInt('BENCH_RUNS', 200)
  const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim())
  const scale: Scale = { models: 1, versions, bigVersions: versions }
  const plan = { scale, chunks: () => generate(scale, 1, releaseTrains) }
  const title = 'Resolving a version reference'
  console.log(`\n== ${title} on a model with ${fmtCount(versions)} versions, ${runs} runs per reference ==`)
  const results: DialectRun[] = []
  if (dialects.includes('sqlite')) results.push(await onSqlite(plan, (s) => measure('SQLite', s, runs)))
  if (dialects.includes('postgres')) results.push(await onPostgres(plan, (s) => measure('PostgreSQL', s, runs)))
  if (results.length === 0) throw new Error('BENCH_DIALECTS names neither sqlite nor postgres')

  const rangeLabels = ['^1.2', '~1.2.3', '1.x', '>=1.0.0 <2.0.0']
  const pre = releaseTrains(versions).filter((v) => v.includes('-')).length
  const worst = Math.max(
    ...results.flatMap((r) =>
      refs
        .filter((x) => x !== refs[0])
        .map(({ label }) => Math.max(r.resolver.get(label)?.p95 ?? 0, r.http.get(label)?.p95 ?? 0)),
    ),
  )
  const loads = results.flatMap((r) => r.loads.map((l) => l.toFixed(1)))
  const cpu = os.cpus()[0]?.model.trim() ?? '?'
  const markdown = `## ${title}

Issue 14's target: resolving a range on the 200,000-version model in at most **5 ms p95** on both databases.
Measured ${new Date().toISOString().slice(0, 10)} by \`BENCH_ONLY=resolve npm run bench\` (\`bench/resolve.bench.ts\`) on
${os.cpus().length} cores (${cpu}), Node ${process.version}; load average (1 min) ${loads.join(' → ')} over the
measured part (${results.map((r) => r.name).join(', then ')}): other work shares the machine and shows in p95 first.

**Data.** One public model with ${fmtCount(versions)} versions (${fmtCount(pre)} of them pre-releases: a \`-beta.1\` and an
\`-rc.1\` before each x.y.0), bulk-loaded with the list benchmark's seed (\`bench/list-search/seed.ts\`): release trains
0.0.0 … with gaps (no major 4, 9, 14…, no minor 7, 17…, no patch ending in 3), about 5% of versions in Production,
the alias \`${ALIAS}\` on 1.20.40. ${results.map((r) => `${r.version}: seeded in ${r.seedSeconds.toFixed(1)} s`).join('; ')}.

**Measuring.** Each reference ${WARMUP} times to warm up, then ${runs} timed calls, one at a time; p50 and p95 in ms.
"Resolver" calls \`resolveVersion()\` (services/version-resolver.ts: access check, model lookup, the reference's
queries) on the registry's own connection; "HTTP" is \`GET /api/v1/models/default/${bigModelName}/versions/{ref}\`
through \`buildApp()\` + \`app.inject()\` with a member's API token (auth, routing, resolver, presenter, JSON).
The ratio column divides by the exact-version lookup's p95 (one primary-key-like probe of \`(model_id, sort_key)\`).

### Through the resolver

${table(results, (r) => r.resolver)}

### Through the API

${table(results, (r) => r.http)}

Statements per resolution (the same on both databases; the first ones find the model and check access):
${refs.map(({ label }) => `\`${label}\` ${results[0]?.statements.get(label) ?? '?'}`).join(', ')}.
The plan of \`^1.2\`'s candidate query (its last statement):

${results.map((r) => `${r.name}:\n\n\`\`\`\n${r.plan}\n\`\`\``).join('\n\n')}

Worst p95 of any non-exact reference: **${ms(worst)} ms** (${worst <= 5 ? 'within' : 'over'} the 5 ms target); in the
same run the exact lookup, one indexed probe, had p95 ${results.map((r) => `${ms(r.resolver.get(refs[0]?.label ?? '')?.p95)} ms (${r.name}, resolver)`).join(', ')}
and a range's worst p50 was ${results.map((r) => `${ms(Math.max(...rangeLabels.map((l) => r.resolver.get(l)?.p50 ?? 0)))} ms (${r.name})`).join(', ')}:
on a loaded machine the p95 column measures the machine's queue as much as the query, so read the ratios.
A range is one index range scan per branch of \`(model_id, sort_key)\` from the branch's top (its upper bound as a
sort key), reading at most 16 rows per probe and going on only when the range's own test refuses them (a
pre-release of another tuple); a stage is one probe of \`(model_id, stage, sort_key)\`; an alias two primary-key
reads. No form reads more rows as the model grows.
`
  const summary = `${title}: worst p95 ${ms(worst)} ms (${results.map((r) => r.name).join(', ')}), load ${loads.join(' → ')}`
  return { title, summary, markdown, fullScale: versions === DEFAULT_VERSIONS && results.length === 2 }
}
