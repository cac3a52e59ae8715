// `npm run bench`: runs every benchmark in turn, prints its table and writes docs/benchmarks.md.
// Add a benchmark by exporting a function that returns a BenchSection and listing it in `benchmarks` below.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { hfBench } from './hf.bench.js'
import { inspectionBench } from './inspection.bench.js'
import { listSearchBench } from './list-search.bench.js'
import { metadataBench } from './metadata.bench.js'
import { mlflowBench } from './mlflow.bench.js'
import { replicasBench } from './replicas.bench.js'
import { resolveBench } from './resolve.bench.js'
import { runTransferBench } from './transfer.bench.js'
import { webhooksBench } from './webhooks.bench.js'

/** What one benchmark hands back: a console summary and a section of docs/benchmarks.md. */
export interface BenchSection {
  title: string
  /** Printed when the benchmark ends. */
  summary: string
  /** A "## …" section of docs/benchmarks.md. */
  markdown: string
  /** False when an env override shrank the run (a smoke run): its figures must not replace the published ones. */
  fullScale: boolean
}

const benchmarks: Readonly<Record<string, () => Promise<BenchSection>>> = {
  metadata: metadataBench,
  'list-search': listSearchBench,
  transfer: runTransferBench,
  replicas: replicasBench,
  webhooks: webhooksBench,
  inspection: inspectionBench,
  resolve: resolveBench,
  mlflow: mlflowBench,
  hf: hfBench,
}
/** BENCH_ONLY=webhooks (comma-separated names): run those only and replace just their sections of the file. */
const only = (process.env.BENCH_ONLY ?? '').split(',').filter((n) => n !== '')

const docsFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/benchmarks.md')
const timeoutMinutes = Number(process.env.BENCH_TIMEOUT_MINUTES ?? 60)

async function main(): Promise<void> {
  // The benchmark stops on its own, whatever happens.
  setTimeout(() => {
    console.error(`bench: gave up after ${timeoutMinutes} minutes (BENCH_TIMEOUT_MINUTES)`)
    process.exit(2)
  }, timeoutMinutes * 60_000).unref()

  const started = performance.now()
  const sections: BenchSection[] = []
  for (const name of only.length > 0 ? only : Object.keys(benchmarks)) {
    const bench = benchmarks[name]
    if (!bench) throw new Error(`BENCH_ONLY: no benchmark "${name}" (${Object.keys(benchmarks).join(', ')})`)
    const section = await bench()
    console.log(`\n${section.summary}\n`)
    sections.push(section)
  }
  const minutes = ((performance.now() - started) / 60_000).toFixed(1)

  const smoke = sections.some((s) => !s.fullScale)
  if (smoke && process.env.BENCH_WRITE_DOCS !== '1') {
    console.log(
      `bench: done in ${minutes} min; scale overridden, so ${docsFile} is left as it is (BENCH_WRITE_DOCS=1 writes it)`,
    )
    return
  }
  if (only.length > 0 && fs.existsSync(docsFile)) {
    fs.writeFileSync(docsFile, replaceSections(fs.readFileSync(docsFile, 'utf8'), sections))
    console.log(`bench: done in ${minutes} min; replaced ${sections.map((s) => s.title).join(', ')} in ${docsFile}`)
    return
  }
  fs.writeFileSync(docsFile, document(sections, minutes))
  console.log(`bench: done in ${minutes} min; wrote ${docsFile}`)
}

/** The file with each section's "## title" part replaced (or appended when new), the others as they were. */
function replaceSections(doc: string, sections: BenchSection[]): string {
  let out = doc
  for (const s of sections) {
    const start = out.indexOf(`\n## ${s.title}\n`)
    const body = `${s.markdown.trim()}\n`
    if (start < 0) {
      out = `${out.trimEnd()}\n\n${body}`
      continue
    }
    const next = out.indexOf('\n## ', start + 1)
    out = `${out.slice(0, start + 1)}${body}${next < 0 ? '' : `\n${out.slice(next + 1)}`}`
  }
  return out
}

function document(sections: BenchSection[], minutes: string): string {
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`); change the benchmarks in \`bench/\`, not this file.

## How to run

\`\`\`sh
npm run bench                          # everything at full scale (this run took ${minutes} minutes)
BENCH_MODELS=2000 npm run bench        # a quick smoke run; leaves this file alone
\`\`\`

Needs the PostgreSQL of the test suite (\`postgres://postgres@127.0.0.1:5432/test\`, or \`BENCH_DATABASE_URL\`); each run
works in a fresh schema and drops it. Other knobs: \`BENCH_VERSIONS\` (default 10 per model), \`BENCH_BIG_VERSIONS\`
(versions of the one large model, default 200,000), \`BENCH_RUNS\` (timed requests per case, default 30),
\`BENCH_DIALECTS\` (\`sqlite,postgres\`), \`BENCH_TIMEOUT_MINUTES\` (default 60), \`BENCH_WRITE_DOCS=1\`; the metadata
latency benchmark: \`BENCH_METADATA_MODELS\` (default 100), \`BENCH_METADATA_ROUNDS\` (5), \`BENCH_METADATA_PER_ROUND\` (400);
\`BENCH_WEBHOOK_EVENTS\` / \`BENCH_WEBHOOK_RECEIVERS\` (default 1,000 / 10); the resolver benchmark: \`BENCH_RESOLVE_VERSIONS\`
(default 200,000; \`BENCH_RUNS\` defaults to 200 there); the MLflow benchmark: \`BENCH_MLFLOW_MODELS\` /
\`BENCH_MLFLOW_VERSIONS\` (10,000 / 50,000), \`BENCH_MLFLOW_FILE_MIB\` (1024), \`BENCH_MLFLOW_DOWNLOADS\` (3 rounds),
\`BENCH_MLFLOW_WARMUP\` (200 requests per case), \`BENCH_MLFLOW_BASELINE\` (a repository root with another build, run beside), needing
\`python3-gunicorn\`; \`BENCH_HF_MIB\` / \`BENCH_HF_RUNS\` (1024 / 3); \`BENCH_ONLY=webhooks\` (run some benchmarks and replace only their sections).

${sections.map((s) => s.markdown.trim()).join('\n\n')}
`
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
