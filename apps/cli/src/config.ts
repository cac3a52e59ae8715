// Where the CLI keeps the registry URL and token: $XDG_CONFIG_HOME/modelreg/config.json (else
// ~/.config/modelreg/config.json), readable by its owner only. MODELREG_URL and MODELREG_TOKEN override it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface StoredConfig {
  url?: string
  token?: string
}

export const DEFAULT_URL = 'http://127.0.0.1:8080'

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return path.join(base, 'modelreg')
}

export const configFile = (env: NodeJS.ProcessEnv = process.env) => path.join(configDir(env), 'config.json')

export function readConfig(env: NodeJS.ProcessEnv = process.env): StoredConfig {
  const file = configFile(env)
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch {
    return {}
  }
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed !== 'object' || parsed === null) return {}
    const { url, token } = parsed as Record<string, unknown>
    return { url: typeof url === 'string' ? url : undefined, token: typeof token === 'string' ? token : undefined }
  } catch {
    throw new Error(`${file} is not valid JSON; fix it or run \`modelreg login\` again`)
  }
}

/** Writes the file with mode 0600 (through a temp file, so a crash never leaves half a token). */
export function writeConfig(config: StoredConfig, env: NodeJS.ProcessEnv = process.env): string {
  const file = configFile(env)
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.tmp`
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 })
  fs.chmodSync(tmp, 0o600)
  fs.renameSync(tmp, file)
  return file
}

export interface Connection {
  url: string
  token?: string
  /** Where each value came from, for whoami and error hints. */
  source: { url: 'flag' | 'env' | 'config' | 'default'; token: 'env' | 'config' | 'none' }
}

/** --url beats MODELREG_URL beats the config file; MODELREG_TOKEN beats the config file. */
export function resolveConnection(flagUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): Connection {
  const stored = readConfig(env)
  const [url, urlSource] = flagUrl
    ? [flagUrl, 'flag' as const]
    : env.MODELREG_URL
      ? [env.MODELREG_URL, 'env' as const]
      : stored.url
        ? [stored.url, 'config' as const]
        : [DEFAULT_URL, 'default' as const]
  const [token, tokenSource] = env.MODELREG_TOKEN
    ? [env.MODELREG_TOKEN, 'env' as const]
    : stored.token
      ? [stored.token, 'config' as const]
      : [undefined, 'none' as const]
  return { url: url.replace(/\/+$/, ''), token, source: { url: urlSource, token: tokenSource } }
}
