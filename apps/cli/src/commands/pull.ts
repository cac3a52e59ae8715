// modelreg pull <model>@<reference> [folder]: download the files of a version, verified and resumable.
import { unwrap } from '@modelreg/sdk'
import { downloadVersion } from '@modelreg/sdk/node'
import type { Command } from 'commander'
import { contextOf } from '../context.js'
import { formatBytes, formatDuration, moved } from '../format.js'
import { withInterrupt } from '../interrupt.js'
import { positiveInt } from '../option-parsers.js'
import { createProgressView, progressMode } from '../progress.js'
import { parseRef } from '../refs.js'

export function pullCommand(program: Command): void {
  program
    .command('pull <ref> [folder]')
    .description('download the files of a version into a folder (default ./<name>-<version>)')
    .option('-j, --concurrency <n>', 'files downloading at once', positiveInt, 4)
    .option('--no-progress', 'no progress output')
    .addHelpText(
      'after',
      `
Every file is checked against its sha256 and moved into place only when it matches. Files already in the
folder with the right sha256 are kept; a file whose bytes differ is downloaded again; an interrupted pull
resumes its partial files ("*.modelreg-partial") when run again.

The version may be any reference the registry resolves: 1.1.0, latest, a stage (production), an alias
(champion) or an npm range (^1.2, ~1.2.3, 1.x; quote ranges with spaces or < >); the highest match is pulled.

Examples:
  $ modelreg pull resnet50@latest
  $ modelreg pull vision/resnet50@champion
  $ modelreg pull 'vision/resnet50@^1.2'
  $ modelreg pull vision/resnet50@1.1.0 ./models/resnet50 --json`,
    )
    .action(async (text: string, folderArg: string | undefined, opts, command: Command) => {
      const ctx = contextOf(command)
      const ref = parseRef(text)
      const started = Date.now()
      // Resolve the reference first (latest, an alias, a range...): the folder and the files name one version.
      const path = { org: ref.org, name: ref.name, version: ref.version }
      const version = unwrap(await ctx.api.GET('/api/v1/models/{org}/{name}/versions/{version}', { params: { path } }))
      const folder = folderArg ?? `${ref.name}-${version.version}`
      const view = createProgressView({ mode: progressMode(ctx.out.json, opts.progress), verb: 'pull' })
      const result = await withInterrupt((signal) =>
        downloadVersion({
          client: ctx.clientOptions,
          org: ref.org,
          name: ref.name,
          version: version.version,
          folder,
          concurrency: opts.concurrency,
          signal,
          onEvent: (e) => view.onEvent(e),
        }),
      ).finally(() => view.stop())
      const seconds = (Date.now() - started) / 1000
      const count = (o: string) => result.files.filter((f) => f.outcome === o).length
      ctx.out.result(
        {
          model: `${ref.org}/${ref.name}`,
          version: version.version,
          folder,
          files: result.files,
          bytes: result.bytes,
          seconds,
        },
        () => {
          const parts = [
            `${count('downloaded')} downloaded`,
            `${count('resumed')} resumed`,
            `${count('repaired')} repaired`,
            `${count('skipped')} unchanged`,
          ]
          return `pulled ${ref.org}/${ref.name}@${version.version} into ${folder}: ${parts.join(', ')}; ${formatBytes(moved(result.files, result.bytes))} in ${formatDuration(seconds)}`
        },
      )
    })
}
