// `npm run bench`: runs every benchmark in turn, prints its table and writes docs/benchmarks.md.
// Add a benchmark by exporting a function that returns a BenchSection and listing it in `benchmarks` below.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { inspectionBench } from './inspection.bench.js'
import { listSearchBench } from './list-search.bench.js'
import { runTransferBench } from './transfer.bench.js'

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

const benchmarks: readonly (() => Promise<BenchSection>)[] = [listSearchBench, runTransferBench, inspectionBench]

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
  for (const bench of benchmarks) {
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
  fs.writeFileSync(docsFile, document(sections, minutes))
  console.log(`bench: done in ${minutes} min; wrote ${docsFile}`)
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
\`BENCH_DIALECTS\` (\`sqlite,postgres\`), \`BENCH_TIMEOUT_MINUTES\` (default 60), \`BENCH_WRITE_DOCS=1\`.

${sections.map((s) => s.markdown.trim()).join('\n\n')}
`
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
