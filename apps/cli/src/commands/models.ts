// modelreg models ls|show|create|edit|delete
import { type CreateModelBody, type Model, type UpdateModelBody, unwrap } from '@modelreg/sdk'
import { type Command, Option } from 'commander'
import { frameworks, licenses, modelTypes, stages, statuses, taskTypes } from '../choices.js'
import { usageError } from '../cli-error.js'
import { contextOf } from '../context.js'
import { collectMetric, collectTags, positiveInt } from '../option-parsers.js'
import { fields, table } from '../output.js'
import { parseModelOnly, parseRef } from '../refs.js'

export function modelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description('list, inspect, create, edit and delete models')
    .addHelpText('after', '\nExamples:\n  $ modelreg models ls -q resnet\n  $ modelreg models show vision/resnet50')

  models
    .command('ls')
    .description('list models (most recently updated first)')
    .option('-q, --query <text>', 'search name, description and tags')
    .option('--org <org>', 'only this organisation')
    .addOption(new Option('--framework <framework>', 'only this framework').choices(frameworks))
    .addOption(new Option('--stage <stage>', 'latest version in this stage').choices(stages))
    .addOption(new Option('--status <status>', 'latest version with this status').choices(statuses))
    .option('--tag <tag>', 'has this tag (repeat: all must match)', collectTags)
    .addOption(
      new Option('--sort <key>', 'sort key').choices(['name', '-name', 'created', '-created', 'updated', '-updated']),
    )
    .option('--limit <n>', 'rows (1-500)', positiveInt, 50)
    .option('--cursor <cursor>', 'next page (nextCursor of the previous --json page)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ modelreg models ls\n  $ modelreg models ls -q bert --framework pytorch --tag nlp --json',
    )
    .action(async (opts, command: Command) => {
      const { api, out } = contextOf(command)
      const query = {
        q: opts.query,
        org: opts.org,
        framework: opts.framework,
        stage: opts.stage,
        status: opts.status,
        tag: opts.tag,
        sort: opts.sort,
        limit: opts.limit,
        cursor: opts.cursor,
      }
      const page = unwrap(await api.GET('/api/v1/models', { params: { query } }))
      out.result(page, () => {
        if (page.items.length === 0) return 'no models match'
        const rows = page.items.map((m) => [
          `${m.org}/${m.name}`,
          m.latestVersion?.version ?? '-',
          m.framework === 'others' ? (m.frameworkOther ?? 'others') : m.framework,
          m.latestVersion?.stage ?? '-',
          m.latestVersion?.status ?? '-',
          m.updatedAt.slice(0, 10),
        ])
        const more = page.nextCursor ? `\n(more: --cursor ${page.nextCursor})` : ''
        return table(['MODEL', 'LATEST', 'FRAMEWORK', 'STAGE', 'STATUS', 'UPDATED'], rows) + more
      })
    })

  models
    .command('show <model>')
    .description('show a model and its latest version (org/name or name)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ modelreg models show resnet50\n  $ modelreg models show vision/resnet50 --json',
    )
    .action(async (text: string, _opts, command: Command) => {
      const { api, out } = contextOf(command)
      const { org, name } = parseModelOnly(text)
      const model = unwrap(await api.GET('/api/v1/models/{org}/{name}', { params: { path: { org, name } } }))
      out.result(model, () => describeModel(model))
    })

  models
    .command('create <model>')
    .description('register a model with its first version (org/name@version; default version 1.0.0)')
    .addOption(new Option('--framework <framework>', 'framework').choices(frameworks).makeOptionMandatory())
    .option('--framework-other <text>', 'the framework when --framework others, e.g. XGBoost')
    .addOption(new Option('--task-type <type>', 'task type').choices(taskTypes))
    .option('--task-type-other <text>', 'the task type when --task-type others')
    .addOption(new Option('--model-type <type>', 'model type').choices(modelTypes))
    .option('--model-type-other <text>', 'the model type when --model-type others')
    .option('--description <text>', 'description of the first version')
    .option('--tag <tags>', 'tags, comma-separated or repeated', collectTags)
    .addOption(new Option('--status <status>', 'status of the first version (default draft)').choices(statuses))
    .option('--author <name>', 'author: a person or team')
    .addOption(new Option('--license <license>', 'license').choices(licenses))
    .option('--license-other <text>', 'the license when --license others')
    .option('--metric <name=value>', 'a metric of the first version (repeat)', collectMetric)
    .option('--public', 'readable by every member of the organisation')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg models create resnet50 --framework pytorch --task-type classification --tag vision,imagenet
  $ modelreg models create acme/house-prices@0.1.0 --framework others --framework-other XGBoost --status training`,
    )
    .action(async (text: string, opts, command: Command) => {
      const { api, out } = contextOf(command)
      const ref = parseRef(text)
      const body: CreateModelBody = {
        org: ref.org,
        name: ref.name,
        ...(ref.explicitVersion && { version: ref.version }),
        framework: opts.framework,
        frameworkOther: opts.frameworkOther,
        taskType: opts.taskType,
        taskTypeOther: opts.taskTypeOther,
        modelType: opts.modelType,
        modelTypeOther: opts.modelTypeOther,
        description: opts.description,
        tags: opts.tag,
        status: opts.status,
        author: opts.author,
        license: opts.license,
        licenseOther: opts.licenseOther,
        metrics: opts.metric,
        publicAccess: opts.public,
      }
      const model = unwrap(await api.POST('/api/v1/models', { body }))
      out.result(model, () => `created ${model.org}/${model.name}@${model.latestVersion?.version ?? ''}`)
    })

  models
    .command('edit <model>')
    .description('change the model-level fields: task type, model type, public access')
    .addOption(new Option('--task-type <type>', 'task type').choices(taskTypes))
    .option('--task-type-other <text>', 'the task type when --task-type others')
    .addOption(new Option('--model-type <type>', 'model type').choices(modelTypes))
    .option('--model-type-other <text>', 'the model type when --model-type others')
    .option('--public', 'readable by every member of the organisation')
    .option('--private', 'readable by its owner, shares and organisation admins only')
    .addHelpText(
      'after',
      `
Name and framework never change; description, tags, status, author and license belong to a version.

Examples:
  $ modelreg models edit resnet50 --task-type detection
  $ modelreg models edit vision/resnet50 --private`,
    )
    .action(async (text: string, opts, command: Command) => {
      const { api, out } = contextOf(command)
      const { org, name } = parseModelOnly(text)
      if (opts.public && opts.private) throw usageError('--public and --private contradict each other')
      const body: UpdateModelBody = {
        taskType: opts.taskType,
        taskTypeOther: opts.taskTypeOther,
        modelType: opts.modelType,
        modelTypeOther: opts.modelTypeOther,
        publicAccess: opts.public ? true : opts.private ? false : undefined,
      }
      if (Object.values(body).every((v) => v === undefined)) {
        throw usageError('nothing to change', 'pass --task-type, --model-type, --public or --private')
      }
      const model = unwrap(await api.PATCH('/api/v1/models/{org}/{name}', { params: { path: { org, name } }, body }))
      out.result(model, () => `updated ${model.org}/${model.name}`)
    })

  models
    .command('delete <model>')
    .description('delete a model with all its versions and files')
    .option('-y, --yes', 'do not ask (required off a terminal)')
    .addHelpText(
      'after',
      '\nRefused while a version is deployed.\n\nExamples:\n  $ modelreg models delete old-model --yes',
    )
    .action(async (text: string, opts: { yes?: boolean }, command: Command) => {
      const { api, out } = contextOf(command)
      const { org, name } = parseModelOnly(text)
      if (!opts.yes) throw usageError(`deleting ${org}/${name} removes every version and file`, 'add --yes to confirm')
      unwrap(await api.DELETE('/api/v1/models/{org}/{name}', { params: { path: { org, name } } }))
      out.result({ deleted: `${org}/${name}` }, () => `deleted ${org}/${name}`)
    })
}

function describeModel(m: Model): string {
  const v = m.latestVersion
  return fields([
    ['model', `${m.org}/${m.name}`],
    ['framework', m.framework === 'others' ? m.frameworkOther : m.framework],
    ['task type', m.taskType === 'others' ? m.taskTypeOther : m.taskType],
    ['model type', m.modelType === 'others' ? m.modelTypeOther : m.modelType],
    ['public access', m.publicAccess ? 'yes' : 'no'],
    ['versions', m.versionCount],
    ['latest', v ? `${v.version} (${v.stage}, ${v.status})` : null],
    ['description', v?.description],
    ['tags', v?.tags.join(', ')],
    ['next version', m.nextVersion ? `${m.nextVersion.patch} | ${m.nextVersion.minor} | ${m.nextVersion.major}` : null],
    ['updated', m.updatedAt],
  ])
}
