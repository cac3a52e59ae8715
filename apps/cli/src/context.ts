// What every command needs: the parsed global options, the connection, the SDK's typed client and the output.
import { type ApiClient, type ApiClientOptions, createApiClient } from '@modelreg/sdk'
import type { Command } from 'commander'
import { CliError } from './cli-error.js'
import { type Connection, configFile, resolveConnection } from './config.js'
import { ExitCode } from './exit-codes.js'
import { createOutput, type Output } from './output.js'

export interface GlobalOptions {
  url?: string
  json?: boolean
  progress?: boolean
}

export interface Context {
  out: Output
  connection: Connection
  options: GlobalOptions
  /** Connection options for the SDK helpers. */
  clientOptions: ApiClientOptions
  /** The typed client: `unwrap(await api.GET('/api/v1/models/{org}/{name}', …))`. */
  api: ApiClient
}

/** Builds the context of the running command; `needsToken` makes a missing login an auth error up front. */
export function contextOf(command: Command, needsToken = true): Context {
  const options = command.optsWithGlobals<GlobalOptions>()
  const connection = resolveConnection(options.url)
  if (needsToken && !connection.token) {
    throw new CliError(
      `no API token for ${connection.url}`,
      ExitCode.auth,
      'UNAUTHENTICATED',
      `run \`modelreg login\` (stores it in ${configFile()}) or set MODELREG_TOKEN`,
    )
  }
  const clientOptions: ApiClientOptions = {
    baseUrl: connection.url,
    token: connection.token,
    headers: { 'user-agent': 'modelreg-cli' },
  }
  return {
    out: createOutput(options.json === true),
    connection,
    options,
    clientOptions,
    api: createApiClient(clientOptions),
  }
}
