// modelreg push <folder> <model>@<version>: upload a folder as the files of a version, creating the version
// (and, with --framework, the model) when needed; files the version already has are skipped.
import fs from 'node:fs/promises'
import path from 'node:path'
import {
  type ApiResult,
  type CreateModelBody,
  carryForward,
  isFrozen,
  ModelregError,
  unwrap,
  type Version,
} from '@modelreg/sdk'
import { FileSessionStore, listFolderFiles, uploadFolder } from '@modelreg/sdk/node'
import { type Command, Option } from 'commander'
import { frameworks } from '../choices.js'
import { CliError, usageError } from '../cli-error.js'
import { configDir } from '../config.js'
import { type Context, contextOf } from '../context.js'
import { ExitCode } from '../exit-codes.js'
import { formatBytes, formatDuration, moved } from '../format.js'
import { withInterrupt } from '../interrupt.js'
import { positiveInt } from '../option-parsers.js'
import { createProgressView, progressMode } from '../progress.js'
import { parseExactRef } from '../refs.js'

export function pushCommand(program: Command): void {
  program
    .command('push <folder> <ref>')
    .description('upload a folder as the files of a version (org/name@version)')
    .addOption(
      new Option('--framework <framework>', 'create the model too if it does not exist, with this framework').choices(
        frameworks,
      ),
    )
    .option('--framework-other <text>', 'the framework when --framework others')
    .option('--no-carry', "a new version starts empty instead of with the latest version's description, tags…")
    .option('-j, --concurrency <n>', 'requests in flight at once', positiveInt, 4)
    .option('--no-progress', 'no progress output')
    .addHelpText(
      'after',
      `
Files keep their paths relative to the folder. Large files go as resumable uploads: run the same push again
after an interruption and it continues where it stopped. Files whose sha256 the version already has are skipped.
A version push creates starts with the latest version's description, tags, author and license (--no-carry:
empty). The folder and the options are checked before anything is created.

Examples:
  $ modelreg push ./out resnet50@1.1.0
  $ modelreg push ./checkpoints vision/detr@0.1.0 --framework pytorch --json`,
    )
    .action(async (folder: string, text: string, opts, command: Command) => {
      const ctx = contextOf(command)
      const ref = parseExactRef(text, 'push')
      // Every input is checked before the registry changes: a typo must not leave an empty version behind.
      await checkFolder(folder)
      checkFramework(opts)
      const started = Date.now()
      const created = await ensureVersion(ctx, ref, opts)
      const view = createProgressView({ mode: progressMode(ctx.out.json, opts.progress), verb: 'push' })
      const result = await withInterrupt((signal) =>
        uploadFolder({
          client: ctx.clientOptions,
          org: ref.org,
          name: ref.name,
          version: ref.version,
          folder,
          concurrency: opts.concurrency,
          sessions: new FileSessionStore(path.join(configDir(), 'upload-sessions.json')),
          signal,
          onEvent: (e) => view.onEvent(e),
        }).catch((err: unknown) => {
          throw explainFrozen(err, ref)
        }),
      ).finally(() => view.stop())
      const count = (o: string) => result.files.filter((f) => f.outcome === o).length
      const seconds = (Date.now() - started) / 1000
      const files = result.files.map(({ artifact: _, ...file }) => file)
      const summary = {
        model: `${ref.org}/${ref.name}`,
        version: ref.version,
        created,
        files,
        bytes: result.bytes,
        seconds,
      }
      ctx.out.result(summary, () => {
        const parts = [`${count('uploaded')} uploaded`, `${count('resumed')} resumed`, `${count('skipped')} unchanged`]
        return `pushed ${ref.org}/${ref.name}@${ref.version}: ${parts.join(', ')}; ${formatBytes(moved(result.files, result.bytes))} in ${formatDuration(seconds)}`
      })
    })
}

/** Makes sure the version exists; returns whether this push created it (or its model). */
async function ensureVersion(
  ctx: Context,
  ref: { org: string; name: string; version: string },
  opts: { framework?: string; frameworkOther?: string; carry: boolean },
): Promise<'model' | 'version' | false> {
  const path = { org: ref.org, name: ref.name }
  const found = orNotFound(
    await ctx.api.GET('/api/v1/models/{org}/{name}/versions/{version}', {
      params: { path: { ...path, version: ref.version } },
    }),
  )
  if (found) {
    warnIfFrozen(ctx, found)
    return false
  }
  const model = orNotFound(await ctx.api.GET('/api/v1/models/{org}/{name}', { params: { path } }))
  if (!model) {
    if (!opts.framework) {
      throw new CliError(
        `model ${ref.org}/${ref.name} does not exist`,
        ExitCode.notFound,
        'NOT_FOUND',
        `create it with \`modelreg models create ${ref.org}/${ref.name}@${ref.version} --framework <framework>\`, or pass --framework to push`,
      )
    }
    const body: CreateModelBody = {
      org: ref.org,
      name: ref.name,
      version: ref.version,
      framework: opts.framework as CreateModelBody['framework'], // checked by the option's choices
      frameworkOther: opts.frameworkOther,
    }
    unwrap(await ctx.api.POST('/api/v1/models', { body }))
    ctx.out.note(`created model ${ref.org}/${ref.name} with version ${ref.version}`)
    return 'model'
  }
  const carried = carryForward(opts.carry ? model.latestVersion : null)
  const body = { version: ref.version, ...carried }
  unwrap(await ctx.api.POST('/api/v1/models/{org}/{name}/versions', { params: { path }, body }))
  const from =
    Object.keys(carried).length && model.latestVersion
      ? ` (${describeCarried(carried)} from ${model.latestVersion.version})`
      : ''
  ctx.out.note(`created version ${ref.org}/${ref.name}@${ref.version}${from}`)
  return 'version'
}

/** The answer's data, or undefined when the registry answered NOT_FOUND. */
function orNotFound<T>(result: ApiResult<T>): T | undefined {
  try {
    return unwrap(result)
  } catch (err) {
    if (err instanceof ModelregError && err.code === 'NOT_FOUND') return undefined
    throw err
  }
}

function describeCarried(carried: object): string {
  return Object.keys(carried)
    .filter((k) => k !== 'licenseOther')
    .join(', ')
}

async function checkFolder(folder: string): Promise<void> {
  const stat = await fs.stat(folder).catch(() => undefined)
  const usage = 'push takes the folder to upload, then org/name@version'
  if (!stat) throw usageError(`${folder} does not exist`, usage)
  if (!stat.isDirectory()) throw usageError(`${folder} is not a folder`, usage)
  if ((await listFolderFiles(folder)).length === 0) throw usageError(`${folder} has no files to push`)
}

function checkFramework(opts: { framework?: string; frameworkOther?: string }): void {
  const other = opts.frameworkOther?.trim()
  if (opts.framework === 'others' && !other) {
    throw usageError('--framework-other is required when --framework is "others"', 'e.g. --framework-other XGBoost')
  }
  if (other && opts.framework !== 'others') throw usageError('--framework-other goes with --framework others only')
}

function warnIfFrozen(ctx: Context, v: Version): void {
  if (isFrozen(v.status)) {
    ctx.out.note(`${v.model}@${v.version} is ${v.status}: its files are frozen; only unchanged files can be skipped`)
  }
}

function explainFrozen(err: unknown, ref: { org: string; name: string; version: string }): unknown {
  if (!(err instanceof ModelregError) || err.code !== 'VERSION_FROZEN') return err
  return new CliError(
    `${ref.org}/${ref.name}@${ref.version} is frozen: ${err.message}`,
    ExitCode.conflict,
    err.code,
    `push to a new version; \`modelreg versions ls ${ref.org}/${ref.name}\` shows the next free ones`,
  )
}
