// modelreg alias ls|set|rm: named pointers to versions (champion -> 1.2.0), usable wherever a version goes.
import { type Alias, unwrap } from '@modelreg/sdk'
import type { Command } from 'commander'
import { contextOf } from '../context.js'
import { table } from '../output.js'
import { parseModelOnly } from '../refs.js'

export function aliasCommand(program: Command): void {
  const alias = program
    .command('alias')
    .description('list, set and remove the aliases of a model (then pull name@alias)')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg alias set resnet50 champion 1.2.0
  $ modelreg alias ls resnet50
  $ modelreg pull resnet50@champion`,
    )

  alias
    .command('ls <model>')
    .description('the aliases of a model and the versions they point to')
    .action(async (text: string, _opts, command: Command) => {
      const { api, out } = contextOf(command)
      const { org, name } = parseModelOnly(text)
      const list = unwrap(await api.GET('/api/v1/models/{org}/{name}/aliases', { params: { path: { org, name } } }))
      out.result(list, () => {
        if (list.items.length === 0)
          return `${org}/${name} has no aliases yet: modelreg alias set ${org}/${name} <alias> <version>`
        const rows = list.items.map((a) => [a.name, a.version, a.protected ? 'yes' : 'no', a.updatedBy, a.updatedAt])
        return table(['ALIAS', 'VERSION', 'PROTECTED', 'MOVED BY', 'MOVED AT'], rows)
      })
    })

  alias
    .command('set <model> <alias> <version>')
    .description('point an alias at a version (any reference: 1.2.0, latest, production, ^1.2, another alias)')
    .option('--protected', 'only organisation admins may move or remove it afterwards (admins only)')
    .option('--unprotected', 'lift the protection (admins only)')
    .addHelpText(
      'after',
      `
Examples:
  $ modelreg alias set vision/resnet50 champion 1.2.0 --protected
  $ modelreg alias set resnet50 canary latest`,
    )
    .action(
      async (
        text: string,
        aliasName: string,
        version: string,
        opts: { protected?: boolean; unprotected?: boolean },
        command: Command,
      ) => {
        const { api, out } = contextOf(command)
        const { org, name } = parseModelOnly(text)
        const protect = opts.protected ? true : opts.unprotected ? false : undefined
        const before = await api.GET('/api/v1/models/{org}/{name}/aliases', { params: { path: { org, name } } })
        const from = before.data?.items.find((a) => a.name === aliasName)?.version
        const saved: Alias = unwrap(
          await api.PUT('/api/v1/models/{org}/{name}/aliases/{alias}', {
            params: { path: { org, name, alias: aliasName } },
            body: { version, ...(protect !== undefined && { protected: protect }) },
          }),
        )
        out.result(saved, () => {
          const lock = saved.protected ? ' (protected)' : ''
          return from === undefined || from === saved.version
            ? `${saved.model}@${saved.name} → ${saved.version}${lock}`
            : `${saved.model}@${saved.name}: ${from} → ${saved.version}${lock}`
        })
      },
    )

  alias
    .command('rm <model> <alias>')
    .description('remove an alias (the version stays)')
    .action(async (text: string, aliasName: string, _opts, command: Command) => {
      const { api, out } = contextOf(command)
      const { org, name } = parseModelOnly(text)
      unwrap(
        await api.DELETE('/api/v1/models/{org}/{name}/aliases/{alias}', {
          params: { path: { org, name, alias: aliasName } },
        }),
      )
      out.result(
        { model: `${org}/${name}`, alias: aliasName, removed: true },
        () => `removed ${org}/${name}@${aliasName}`,
      )
    })
}
