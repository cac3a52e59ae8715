// List and search latency at scale: seeds 100,000 models / 1,000,000 versions on SQLite and PostgreSQL with bulk
// SQL (list-search/rows.ts, seed.ts), then times the real HTTP layer (scenarios.ts) and writes its section (report.ts).
import { buildApp } from '../apps/server/src/app.js'
import { onPostgres, onSqlite } from './list-search/databases.js'
import { type DialectRun, report } from './list-search/report.js'
import { envInt, fmtCount, isDefaultScale, type Scale, scaleFromEnv } from './list-search/rows.js'
import { cases, explainTop, measure, personas } from './list-search/scenarios.js'
import type { BenchSection } from './run.js'

/** Seeds one database, times every case over HTTP and explains the slowest list queries. */
async function run(on: typeof onSqlite, scale: Scale, runs: number): Promise<DialectRun> {
  return on({ scale }, async ({ registry, seed, target, version }) => {
    const app = await buildApp({ db: registry.db, services: registry.services })
    const { clients, viewers } = await personas(app, registry.store, registry.db)
    const timings = await measure(clients, cases(scale), runs).finally(() => app.close())
    const plans = await explainTop(target, timings, viewers)
    return { dialect: target.dialect, seed, timings, plans, version }
  })
}

/** Seeds and measures both databases (BENCH_DIALECTS=sqlite,postgres); returns the docs section. */
export async function listSearchBench(): Promise<BenchSection> {
  const scale = scaleFromEnv()
  const runs = envInt('BENCH_RUNS', 30)
  const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((d) => d.trim())
  const title = `List and search at ${fmtCount(scale.models)} models / ${fmtCount(scale.versions)} versions`
  console.log(`\n== ${title} (one model with ${fmtCount(scale.bigVersions)} versions), ${runs} runs per request ==`)
  const results: DialectRun[] = []
  if (dialects.includes('sqlite')) results.push(await run(onSqlite, scale, runs))
  if (dialects.includes('postgres')) results.push(await run(onPostgres, scale, runs))
  if (results.length === 0) throw new Error('BENCH_DIALECTS names neither sqlite nor postgres')

  const { markdown, summary } = report(scale, runs, title, results)
  return { title, summary, markdown, fullScale: isDefaultScale(scale) && results.length === 2 }
}
