// modelreg whoami: who the token belongs to, and where URL and token came from.
import { unwrap } from '@modelreg/sdk'
import type { Command } from 'commander'
import { contextOf } from '../context.js'
import { fields } from '../output.js'

export function whoamiCommand(program: Command): void {
  program
    .command('whoami')
    .description('show the user of the current token and the registry it talks to')
    .addHelpText('after', '\nExamples:\n  $ modelreg whoami\n  $ MODELREG_TOKEN=mrt_… modelreg whoami --json')
    .action(async (_opts: unknown, command: Command) => {
      const { api, out, connection } = contextOf(command)
      const session = unwrap(await api.GET('/api/v1/auth/session'))
      out.result({ url: connection.url, tokenFrom: connection.source.token, ...session }, () =>
        fields([
          ['user', session.username],
          ['site admin', session.siteAdmin ? 'yes' : 'no'],
          ['organisations', session.orgs.map((o) => (o.role ? `${o.org} (${o.role})` : o.org)).join(', ')],
          ['registry', `${connection.url} (from ${connection.source.url})`],
          ['token from', connection.source.token === 'env' ? 'MODELREG_TOKEN' : 'config file'],
        ]),
      )
    })
}
