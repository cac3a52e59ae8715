// modelreg stage <model>@<version> <stage>: move a version through the lifecycle.
import { type Stage, unwrap } from '@modelreg/sdk'
import type { Command } from 'commander'
import { stages } from '../choices.js'
import { usageError } from '../cli-error.js'
import { contextOf } from '../context.js'
import { parseExactRef } from '../refs.js'

interface StageOptions {
  comment?: string
  archivePrevious?: boolean
  override?: string
}

export function stageCommand(program: Command): void {
  program
    .command('stage <ref> <stage>')
    .description(`move a version to a stage (${stages.join(', ')})`)
    .option('-m, --comment <text>', 'why; kept in the stage history')
    .option('--archive-previous', 'with production: archive the versions that held Production, atomically')
    .option('--override <reason>', 'organisation admins: move a version inspection found dangerous, saying why')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg stage resnet50@1.1.0 staging --comment "passes offline eval"
  $ modelreg stage vision/resnet50@1.1.0 production --comment "beats 1.0.0" --archive-previous`,
    )
    .action(async (text: string, stageText: string, opts: StageOptions, command) => {
      const { api, out } = contextOf(command)
      const ref = parseExactRef(text, 'stage')
      const stage = parseStage(stageText)
      const result = unwrap(
        await api.POST('/api/v1/models/{org}/{name}/versions/{version}/stage', {
          params: { path: { org: ref.org, name: ref.name, version: ref.version } },
          body: {
            stage,
            comment: opts.comment,
            archivePrevious: opts.archivePrevious,
            ...(opts.override !== undefined && { override: { reason: opts.override } }),
          },
        }),
      )
      out.result(result, () => {
        const from = result.transition.from ?? 'none'
        const archived = result.archived.length ? `; archived ${result.archived.join(', ')}` : ''
        return `${result.version.model}@${result.version.version}: ${from} → ${result.transition.to}${archived}`
      })
    })
}

function parseStage(text: string): Stage {
  const stage = stages.find((s) => s === text.toLowerCase())
  if (stage) return stage
  // A usage error of ours, not commander's: commander prints only the errors it raises while parsing.
  const near = stages.find((s) => text.length >= 2 && s.startsWith(text.toLowerCase()))
  throw usageError(
    `"${text}" is not a stage; use one of ${stages.join(', ')}`,
    near ? `did you mean ${near}?` : undefined,
  )
}
