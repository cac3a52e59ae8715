// The modelreg command line. This first slice lists and shows models; push/pull come with the CLI issue.

import { ModelregClient, ModelregError } from '@modelreg/sdk'
import { Command } from 'commander'

const program = new Command()
  .name('modelreg')
  .description('Register, version and fetch trained models from a modelreg registry.')
  .version('0.1.0')
  .option('--url <url>', 'registry URL (env MODELREG_URL)', process.env.MODELREG_URL ?? 'http://127.0.0.1:8080')
  .option('--json', 'print JSON for scripts')

const client = () =>
  new ModelregClient({ baseUrl: program.opts<{ url: string }>().url, token: process.env.MODELREG_TOKEN })
const json = () => program.opts<{ json?: boolean }>().json === true

const models = program.command('models').description('list and inspect models')
models
  .command('ls')
  .description('list models, newest first')
  .option('-q, --query <text>', 'search name, description and tags')
  .option('--limit <n>', 'rows (1-500)', '50')
  .addHelpText('after', '\nExamples:\n  $ modelreg models ls\n  $ modelreg models ls -q resnet --json')
  .action(async (opts: { query?: string; limit: string }) => {
    const page = await client().listModels({ q: opts.query, limit: Number(opts.limit) })
    if (json()) return print(page)
    for (const m of page.items) {
      process.stdout.write(
        `${m.org}/${m.name}\t${m.latestVersion?.version ?? '-'}\t${m.framework}\t${m.latestVersion?.stage ?? '-'}\n`,
      )
    }
  })
models
  .command('show <model>')
  .description('show a model (org/name)')
  .action(async (ref: string) => {
    const [org, name] = ref.includes('/')
      ? [ref.slice(0, ref.indexOf('/')), ref.slice(ref.indexOf('/') + 1)]
      : ['default', ref]
    print(await client().getModel(org, name))
  })

function print(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ModelregError) {
    process.stderr.write(`modelreg: ${err.message}\n`)
    process.exit(err.code === 'NOT_FOUND' ? 3 : err.code === 'NETWORK' ? 4 : 1)
  }
  process.stderr.write(`modelreg: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
