// modelreg versions ls|show|create
import { carryForward, unwrap, type Version } from '@modelreg/sdk'
import { type Command, Option } from 'commander'
import { licenses, stages, statuses } from '../choices.js'
import { contextOf } from '../context.js'
import { formatBytes } from '../format.js'
import { collectMetric, collectTags, positiveInt } from '../option-parsers.js'
import { fields, table } from '../output.js'
import { parseExactRef, parseModelOnly, parseRef } from '../refs.js'

export function versionsCommand(program: Command): void {
  const versions = program
    .command('versions')
    .description('list, inspect and create versions of a model')
    .addHelpText('after', '\nExamples:\n  $ modelreg versions ls resnet50\n  $ modelreg versions show resnet50@latest')

  versions
    .command('ls <model>')
    .description('versions of a model, highest first')
    .addOption(new Option('--stage <stage>', 'only versions in this stage').choices(stages))
    .addOption(new Option('--status <status>', 'only versions with this status').choices(statuses))
    .option('--at <time>', 'with --stage: the versions that held it at this ISO time')
    .addOption(new Option('--order <order>', 'semver order').choices(['desc', 'asc']))
    .option('--limit <n>', 'rows (1-500)', positiveInt, 50)
    .option('--cursor <cursor>', 'next page (nextCursor of the previous --json page)')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg versions ls vision/resnet50
  $ modelreg versions ls resnet50 --stage production --at 2026-03-03T12:00:00Z`,
    )
    .action(async (text: string, opts, command: Command) => {
      const { api, out } = contextOf(command)
      const { org, name } = parseModelOnly(text)
      const query = {
        stage: opts.stage,
        status: opts.status,
        at: opts.at,
        order: opts.order,
        limit: opts.limit,
        cursor: opts.cursor,
      }
      const page = unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions', { params: { path: { org, name }, query } }),
      )
      out.result(page, () => {
        if (page.items.length === 0) return `no versions of ${org}/${name} match`
        const rows = page.items.map((v) => [v.version, v.stage, v.status, v.author || '-', v.createdAt.slice(0, 10)])
        const next = page.next ? `\nnext free: ${page.next.patch} | ${page.next.minor} | ${page.next.major}` : ''
        const more = page.nextCursor ? `\n(more: --cursor ${page.nextCursor})` : ''
        return table(['VERSION', 'STAGE', 'STATUS', 'AUTHOR', 'CREATED'], rows) + next + more
      })
    })

  versions
    .command('show <ref>')
    .description('a version and its files (org/name@version; no version = latest)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ modelreg versions show resnet50@1.1.0\n  $ modelreg versions show vision/resnet50 --json',
    )
    .action(async (text: string, _opts, command: Command) => {
      const { api, out } = contextOf(command)
      const ref = parseRef(text)
      const path = { org: ref.org, name: ref.name, version: ref.version }
      const version = unwrap(await api.GET('/api/v1/models/{org}/{name}/versions/{version}', { params: { path } }))
      const files = unwrap(
        await api.GET('/api/v1/models/{org}/{name}/versions/{version}/artifacts', {
          params: { path: { ...path, version: version.version } },
        }),
      )
      out.result({ ...version, artifacts: files }, () => {
        const list = files.items.map((a) => [a.path, formatBytes(a.size), a.sha256.slice(0, 16)])
        const filesText = list.length
          ? `\n\nfiles (${formatBytes(files.totalSize)}):\n${table(['PATH', 'SIZE', 'SHA256'], list)}`
          : `\n\nno files yet: modelreg push <folder> ${version.model}@${version.version}`
        return describeVersion(version) + filesText
      })
    })

  versions
    .command('create <ref>')
    .description('create a version of an existing model (org/name@version)')
    .option('--description <text>', 'description')
    .option('--tag <tags>', 'tags, comma-separated or repeated', collectTags)
    .addOption(new Option('--status <status>', 'status (default draft)').choices(statuses))
    .option('--author <name>', 'author: a person or team')
    .addOption(new Option('--license <license>', 'license').choices(licenses))
    .option('--license-other <text>', 'the license when --license others')
    .option('--metric <name=value>', 'a metric (repeat)', collectMetric)
    .option('--base-model <ref>', 'lineage: the model it was derived from, org/name@version')
    .option('--no-carry', "start empty instead of with the latest version's description, tags, author, license")
    .addHelpText(
      'after',
      `
Description, tags, author and license start as the latest version's (as in the web UI's New Version); each
flag given replaces its field. Metrics, status and files start empty. A version that exists is refused
(exit 5) with the next free patch, minor and major.

Examples:
  $ modelreg versions create resnet50@1.1.0 --metric top1_accuracy=0.771 --tag vision
  $ modelreg versions create vision/resnet50@2.0.0-rc.1 --status training`,
    )
    .action(async (text: string, opts, command: Command) => {
      const { api, out } = contextOf(command)
      const ref = parseExactRef(text, 'versions create')
      const given = {
        description: opts.description,
        tags: opts.tag,
        author: opts.author,
        license: opts.license,
        licenseOther: opts.licenseOther,
      }
      const path = { org: ref.org, name: ref.name }
      const latest = opts.carry
        ? unwrap(await api.GET('/api/v1/models/{org}/{name}', { params: { path } })).latestVersion
        : null
      const body = {
        version: ref.version,
        ...carryForward(latest, given),
        status: opts.status,
        metrics: opts.metric,
        baseModel: opts.baseModel,
      }
      const version = unwrap(await api.POST('/api/v1/models/{org}/{name}/versions', { params: { path }, body }))
      out.result(version, () => `created ${version.model}@${version.version}`)
    })
}

export function describeVersion(v: Version): string {
  const metrics = Object.entries(v.metrics)
    .map(([k, n]) => `${k}=${n}`)
    .join(', ')
  return fields([
    ['version', `${v.model}@${v.version}`],
    ['stage', v.stage],
    ['status', v.status],
    ['description', v.description],
    ['tags', v.tags.join(', ')],
    ['author', v.author],
    ['license', v.license === 'others' ? v.licenseOther : v.license],
    ['metrics', metrics],
    ['base model', v.baseModel],
    ['created', `${v.createdAt} by ${v.createdBy}`],
  ])
}
