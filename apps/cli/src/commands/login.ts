// modelreg login: check a token against the registry, then store URL and token (file mode 0600).
import { createApiClient, unwrap } from '@modelreg/sdk'
import type { Command } from 'commander'
import { usageError } from '../cli-error.js'
import { DEFAULT_URL, readConfig, writeConfig } from '../config.js'
import { createOutput } from '../output.js'
import { readSecret } from '../prompt.js'

export function loginCommand(program: Command): void {
  program
    .command('login')
    .description('check an API token and save it with the registry URL for later commands')
    .option(
      '--token <token>',
      'the API token (mrt_…); visible to other users in the process list, prefer --token-stdin',
    )
    .option('--token-stdin', 'read the token from standard input')
    .addHelpText(
      'after',
      `
Create a token in the web UI or with POST /api/v1/tokens. Without --token or --token-stdin, login asks for it.
The file is $XDG_CONFIG_HOME/modelreg/config.json (default ~/.config/modelreg/config.json), mode 0600.

Examples:
  $ modelreg login --url https://models.example.com
  $ echo "$TOKEN" | modelreg login --url http://127.0.0.1:8080 --token-stdin`,
    )
    .action(async (opts: { token?: string; tokenStdin?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<{ url?: string; json?: boolean }>()
      const out = createOutput(globals.json === true)
      const url = (globals.url ?? process.env.MODELREG_URL ?? readConfig().url ?? DEFAULT_URL).replace(/\/+$/, '')
      let token = opts.token
      if (opts.tokenStdin) token = await readStdin()
      else if (token === undefined) {
        if (!process.stdin.isTTY) throw usageError('no token given', 'pass --token-stdin and pipe the token in')
        token = await readSecret(`API token for ${url}: `)
      }
      token = token.trim()
      if (!token) throw usageError('the token is empty')
      // Refuse to save a token the registry does not take: the error says why (exit 3 or 6).
      const session = unwrap(await createApiClient({ baseUrl: url, token }).GET('/api/v1/auth/session'))
      const file = writeConfig({ url, token })
      out.result({ url, username: session.username, configFile: file }, () => {
        return `Logged in to ${url} as ${session.username}; saved in ${file} (readable by you only)`
      })
    })
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}
