// modelreg deploy / undeploy: record that a version runs in an environment, and that it stopped.
import { type Deployment, unwrap } from '@modelreg/sdk'
import type { Command } from 'commander'
import { CliError, usageError } from '../cli-error.js'
import { contextOf } from '../context.js'
import { ExitCode } from '../exit-codes.js'
import { table } from '../output.js'
import { parseRef } from '../refs.js'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export function deployCommands(program: Command): void {
  program
    .command('deploy <ref>')
    .description('record a deployment of a version (org/name@version; no version = latest)')
    .requiredOption('-e, --env <environment>', 'environment, e.g. prod, staging, eu-west')
    .option('--endpoint <url>', 'where it serves')
    .option('--override <reason>', 'organisation admins: deploy a version inspection found dangerous, saying why')
    .addHelpText(
      'after',
      `
One version has at most one active deployment per environment (exit 5 otherwise). A version whose files can
run code when loaded (modelreg inspect) is refused unless an organisation admin passes --override.

Examples:
  $ modelreg deploy resnet50@1.1.0 --env prod --endpoint https://api.example.com/resnet
  $ modelreg deploy vision/resnet50 --env staging --json`,
    )
    .action(async (text: string, opts: { env: string; endpoint?: string; override?: string }, command: Command) => {
      const { api, out } = contextOf(command)
      const ref = parseRef(text)
      const body = {
        model: `${ref.org}/${ref.name}`,
        version: ref.version,
        environment: opts.env,
        endpoint: opts.endpoint,
        ...(opts.override !== undefined && { override: { reason: opts.override } }),
      }
      const deployment = unwrap(await api.POST('/api/v1/deployments', { body }))
      out.result(deployment, () => `deployed ${describe(deployment)} (id ${deployment.id})`)
    })

  program
    .command('undeploy <target>')
    .description('stop a deployment: by id, or by org/name@version and --env')
    .option('-e, --env <environment>', 'environment of the deployment to stop')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg undeploy resnet50@1.1.0 --env prod
  $ modelreg undeploy 3f1c2a9e-8d0b-4c57-9a43-2b1f0c6d7e81`,
    )
    .action(async (target: string, opts: { env?: string }, command: Command) => {
      const { api, out } = contextOf(command)
      let id = target
      if (!uuid.test(target)) {
        const ref = parseRef(target)
        const model = `${ref.org}/${ref.name}`
        const version = ref.explicitVersion ? ref.version : undefined
        const query = { model, version, status: 'active', limit: 500 } as const
        const page = unwrap(await api.GET('/api/v1/deployments', { params: { query } }))
        const matches = page.items.filter((d) => opts.env === undefined || d.environment === opts.env)
        const [only] = matches
        if (!only) {
          throw new CliError(
            `no active deployment of ${target}${opts.env ? ` in ${opts.env}` : ''}`,
            ExitCode.notFound,
            'NOT_FOUND',
          )
        }
        if (matches.length > 1) {
          const rows = matches.map((d) => [d.id, `${d.model}@${d.version}`, d.environment])
          throw usageError(
            `${matches.length} active deployments match:\n${table(['ID', 'VERSION', 'ENVIRONMENT'], rows)}`,
            'name one with --env or by its id',
          )
        }
        id = only.id
      }
      const stopped = unwrap(await api.POST('/api/v1/deployments/{id}/stop', { params: { path: { id } } }))
      out.result(stopped, () => `stopped ${describe(stopped)}`)
    })
}

const describe = (d: Deployment) => `${d.model}@${d.version} in ${d.environment}`
