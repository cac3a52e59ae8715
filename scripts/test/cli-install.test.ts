// The README installs the CLI with `npm install -g ./apps/cli` (after the build) and then runs `modelreg`
// anywhere: this installs it the same way into a throwaway prefix and runs it outside the repository, where
// its workspace dependencies (@modelreg/sdk, @modelreg/contract) must still resolve.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from './helpers.js'

const run = promisify(execFile)
const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-install-'))
const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-cli-elsewhere-'))
afterAll(() => {
  fs.rmSync(prefix, { recursive: true, force: true })
  fs.rmSync(elsewhere, { recursive: true, force: true })
})

describe('installing the CLI', () => {
  it('npm install -g ./apps/cli puts a working modelreg on the global bin path', async () => {
    if (!fs.existsSync(path.join(repoRoot, 'apps/cli/dist/cli.js'))) throw new Error('run `npm run build` first')
    await run('npm', ['install', '-g', '--offline', '--prefix', prefix, './apps/cli'], { cwd: repoRoot })
    const bin = path.join(prefix, 'bin/modelreg')
    const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: elsewhere }
    delete env.MODELREG_URL
    delete env.MODELREG_TOKEN
    const version = await run(bin, ['--version'], { cwd: elsewhere, env })
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/)
    // A command that loads the SDK and reaches for a registry: nothing listens on port 1.
    const failed = await run(bin, ['models', 'ls', '--url', 'http://127.0.0.1:1'], {
      cwd: elsewhere,
      env: { ...env, MODELREG_TOKEN: 'mrt_unused' },
    }).catch((err: { code?: number; stderr?: string }) => err)
    expect(failed).toMatchObject({ code: 6 })
    expect((failed as { stderr: string }).stderr).toContain('cannot reach the registry')
  }, 120_000)
})
