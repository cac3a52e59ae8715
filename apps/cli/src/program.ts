// The command tree: global options and one registration function per command file.
import { Command, type OutputConfiguration } from 'commander'
import { aliasCommand } from './commands/alias.js'
import { deployCommands } from './commands/deploy.js'
import { inspectCommand } from './commands/inspect.js'
import { loginCommand } from './commands/login.js'
import { modelsCommand } from './commands/models.js'
import { pullCommand } from './commands/pull.js'
import { pushCommand } from './commands/push.js'
import { stageCommand } from './commands/stage.js'
import { versionsCommand } from './commands/versions.js'
import { webhookCommand } from './commands/webhook.js'
import { whoamiCommand } from './commands/whoami.js'

export const VERSION = '0.1.0'

/** `output` goes to commander before any command is added, so that every subcommand inherits it. */
export function createProgram(output: OutputConfiguration = {}): Command {
  const program = new Command()
    .configureOutput(output)
    .name('modelreg')
    .description('Register, version, push and pull trained models in a modelreg registry.')
    .version(VERSION)
    .option('--url <url>', 'registry URL (default: MODELREG_URL, then the login config, then http://127.0.0.1:8080)')
    .option('--json', 'print results as JSON on stdout (errors as JSON on stderr)')
    .showHelpAfterError('(add --help for usage and examples)')
    // Usage errors become exceptions, so that cli.ts owns every exit code.
    .exitOverride()
    .addHelpText(
      'after',
      `
References: org/name@version; name@version means the organisation "default"; @latest or no version means
the latest version. Authentication: \`modelreg login\`, or MODELREG_URL and MODELREG_TOKEN.

Exit codes: 0 ok, 1 failure, 2 usage, 3 auth, 4 not found, 5 conflict, 6 registry unreachable or busy,
7 checksum mismatch, 130 interrupted.

Examples:
  $ modelreg login --url http://127.0.0.1:8080
  $ modelreg push ./out resnet50@1.1.0
  $ modelreg pull resnet50@latest ./resnet50
  $ modelreg stage resnet50@1.1.0 production --comment "beats 1.0.0"`,
    )
  loginCommand(program)
  whoamiCommand(program)
  modelsCommand(program)
  versionsCommand(program)
  stageCommand(program)
  aliasCommand(program)
  webhookCommand(program)
  inspectCommand(program)
  deployCommands(program)
  pushCommand(program)
  pullCommand(program)
  return program
}
