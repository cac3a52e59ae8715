// The list/search benchmark's section of docs/benchmarks.md: the data, how it was seeded and measured, the table of
// medians and p95s on both databases, and the plans of the slowest requests.
import os from 'node:os'
import type { Dialect } from '../../apps/server/src/db/database.js'
import { authors, bigModelName, fmtCount, rare, rareWord, type Scale, searchTerms, tags } from './rows.js'
import { loads, type Measured, type Plan, WARMUP } from './scenarios.js'
import type { SeedStats } from './seed.js'

/** One database's run: how the seed went, the timings and the slowest plans. */
export interface DialectRun {
  dialect: Dialect
  seed: SeedStats
  timings: Map<string, Measured>
  plans: Plan[]
  version: string
}

const ms = (n: number | undefined) => (n === undefined ? '–' : n < 10 ? n.toFixed(2) : n.toFixed(1))

function table(runs: DialectRun[]): string {
  const sqlite = runs.find((r) => r.dialect === 'sqlite')
  const postgres = runs.find((r) => r.dialect === 'postgres')
  const labels = [...((sqlite ?? postgres)?.timings.keys() ?? [])]
  const lines = [
    '| Request | SQLite median | SQLite p95 | PostgreSQL median | PostgreSQL p95 | PG / SQLite | Rows |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const label of labels) {
    const s = sqlite?.timings.get(label)
    const p = postgres?.timings.get(label)
    const ratio = s && p ? `${(p.median / s.median).toFixed(2)}×` : '–'
    lines.push(
      `| ${label.replace(/\|/g, '\\|')} | ${ms(s?.median)} | ${ms(s?.p95)} | ${ms(p?.median)} | ${ms(p?.p95)} | ${ratio} | ${(s ?? p)?.rows ?? ''} |`,
    )
  }
  return lines.join('\n')
}

/**
 * When a member's first page costs several times the site admin's, says why: the visibility rule's plan shape.
 * Empty when the two are close (then there is nothing to explain).
 */
function visibilityNote(results: DialectRun[]): string {
  const slow = results.flatMap((r) => {
    const member = r.timings.get('models: first page (default sort -updated)')?.median
    const admin = r.timings.get('admin: models: first page')?.median
    return member !== undefined && admin !== undefined && member > 3 * admin
      ? [`${r.version}: ${ms(member)} ms for the member, ${ms(admin)} ms for the admin`]
      : []
  })
  if (slow.length === 0) return ''
  return `**Visibility costs most.** A member's list carries the visibility rule (\`repositories/visibility.ts\`): EXISTS
subqueries on memberships and grants, correlated to each model and joined by OR. The planners can then no longer walk the
sort index and stop after a page: PostgreSQL joins and sorts every visible model (see its plans below), SQLite probes
the memberships row by row. First page, default sort: ${slow.join('; ')}. The "admin:" rows have no visibility
condition.

`
}

function machine(): string {
  const cpus = os.cpus()
  const gb = (os.totalmem() / 2 ** 30).toFixed(0)
  return `${cpus.length} cores (${cpus[0]?.model.trim() ?? 'unknown CPU'}), ${gb} GB RAM, ${os.platform()} ${os.release()}, Node ${process.version}`
}

/** The docs section and the console summary of a run. */
export function report(
  scale: Scale,
  runs: number,
  title: string,
  results: DialectRun[],
): { markdown: string; summary: string } {
  const seedLine = (r: DialectRun) =>
    `${r.version}: ${r.seed.seconds.toFixed(0)} s for ${r.seed.models.toLocaleString('en')} models, ` +
    `${r.seed.versions.toLocaleString('en')} versions and ${r.seed.tags.toLocaleString('en')} version tags ` +
    `(${(r.seed.sizeBytes / 2 ** 20).toFixed(0)} MB on disk)`
  const grid = table(results)
  const plans = results
    .map(
      (r) =>
        `#### ${r.version}\n\n${r.plans
          .map((p) => `**${p.label}** (median ${ms(p.median)} ms)\n\n\`\`\`\n${p.plan}\n\`\`\``)
          .join('\n\n')}`,
    )
    .join('\n\n')
  const markdown = `## ${title}

Measured ${new Date().toISOString().slice(0, 10)} on ${machine()}; ${results.map((r) => r.version).join(' and ')}
(PostgreSQL on 127.0.0.1 with its default settings; SQLite a WAL file in the temp directory, as the registry opens it).

**Data.** ${scale.models.toLocaleString('en')} models with ${scale.versions.toLocaleString('en')} versions: one model
(\`${bigModelName}\`) has ${scale.bigVersions.toLocaleString('en')} versions, the others
${((scale.versions - scale.bigVersions) / (scale.models - 1)).toFixed(1)} on average (1 to about twice that). Names mix
\`team-arch-dataset-id\` and \`Arch Dataset 123\`; five frameworks (XGBoost/LightGBM/CatBoost as Others), 1–4 tags per
version from ${tags.length} with a skewed popularity, ${authors.length} authors, six licenses, semver histories with
patch/minor/major bumps and release candidates. Rare values, to test the other end: about 1 version in 10,000 has
"${rareWord}" in its description and tags, 1 in 5,000 the author \`${rare.author}\`, and only the large model's
versions carry the tag \`${rare.bigModelTag}\`.

**Seeding.** The schema comes from the real migrations (\`openRegistry\`); rows are then inserted directly with SQL,
the same deterministic rows on both databases, typed by the server's schema, with \`latest_version_id\`,
\`version_count\`, \`search_text\`, \`top_stage\` and \`version_tags\` filled by the services' rules and \`sort_key\` from
\`parseVersion\`. SQLite: one connection,
prepared statements, one transaction per 2,000 models, \`synchronous=OFF\` and foreign-key checks off while loading; the
migration's triggers fill the FTS5 index; no \`ANALYZE\` (the registry does not run one). PostgreSQL: per 2,000 models one
transaction of \`insert … select * from unnest($1::bigint[], …)\` batches of 20,000 rows, \`synchronous_commit=off\`, then
\`vacuum analyze\` (what autovacuum does after a bulk load).

${results.map((r) => `- ${seedLine(r)}`).join('\n')}

**Measuring.** Through the whole HTTP layer: \`buildApp()\` + \`app.inject()\` (routing, validation, services, SQL,
serialisation), one request at a time, ${WARMUP} warm-up requests then ${runs} timed ones; median and p95 in
milliseconds; default \`limit\` (50). "Page 50 via cursors" follows \`nextCursor\` 49 times and times the 50th page.
"Rows" is the number of items in the page. Requests carry an API token: rows without a prefix are those of a member
of the organisation (not its admin), so lists apply the visibility rule and show the public models (30% of them, and
the large one); rows marked "admin:" are the site admin's, who sees every model.

${grid}

The load average (1 min) was ${loads.map((l) => l.toFixed(1)).join(' → ')} over the measured part of the run: other work on
the machine shows up in the p95 column first.

${visibilityNote(results)}### How the list stays fast

- **No facet:** one range of one index: the sort's own (\`updated_at, id\`, \`created_at, id\`, \`name_key, id\`), or
  (\`org_id\` | \`framework\`, sort column, \`id\`) when filtered by organisation or framework. A cursor page starts
  inside that range, so page 50 costs what page 1 does.
- **Facets** (status, stage, author, license, tags: "any version has it"): tested model by model while the sort index
  is scanned, which fills a page within a few rows for a common value. The scan is bounded to 50 pages of rows; when
  that window holds less than a page the value is rare, and the page is built from the models that have the rarest
  facet instead (the \`(value, model_id)\` indexes of \`versions\` and \`version_tags\`), then sorted. The dearest
  case left is a value only the ${fmtCount(scale.bigVersions)}-version model has (\`tag=nightly\`): its index entries are read
  one per version.
- **Search:** PostgreSQL runs \`ILIKE\` over the \`pg_trgm\` GIN index and its planner picks the index (rare term) or
  the ordered scan (common term). SQLite asks the FTS5 trigram index for up to 2,000 matches; fewer, and the page is
  built from them; more, and the ordered scan tests \`LIKE\` row by row (ASCII terms) until the page is full.
- **Known limit:** a 1–2 letter term has no index on either database (trigrams need 3 characters), so a rare one
  (\`q=${searchTerms.twoLettersRare}\`) reads every model.
- **Versions:** keyset on the unique \`(model_id, sort_key)\` index, so the first page and a page 100,000 versions deep
  of the large model cost the same, and \`latest\` is one index probe.

### Query plans of the slowest requests

The slowest SQL statement of each of the three slowest models-list requests per database: \`EXPLAIN QUERY PLAN\` on SQLite,
\`EXPLAIN ANALYZE\` on PostgreSQL.

${plans}
`
  return { markdown, summary: `${title}\n\n${grid}\n\n${results.map(seedLine).join('\n')}` }
}
