// The README's two-minute tour is scripts/tour.sh, shown verbatim in the README: this checks that the two are
// the same text, and runs the script against a fresh registry (a real server process, its own data dir), so
// the tour can never drift from what the registry answers again.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort, registryEnv, repoRoot, type Started, start, until } from './helpers.js'

const script = fs.readFileSync(path.join(repoRoot, 'scripts/tour.sh'), 'utf8')
const password = 'tour-test-admin-password'
let server: Started
let url: string
let dataDir: string

beforeAll(async () => {
  const main = path.join(repoRoot, 'apps/server/dist/main.js')
  if (!fs.existsSync(main)) throw new Error('run `npm run build` first')
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-tour-'))
  const port = await freePort()
  url = `http://127.0.0.1:${port}`
  server = start(
    process.execPath,
    [main],
    registryEnv(port, dataDir, { MODELREG_ADMIN_PASSWORD: password, LOG_LEVEL: 'warn' }),
  )
  await until('the registry to be ready', async () => {
    if (server.child.exitCode !== null) throw new Error(`the registry exited: ${server.output()}`)
    return fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
  })
}, 60_000)

afterAll(async () => {
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
})

/** The fenced block that follows the README's `<!-- scripts/tour.sh -->` marker. */
function readmeTour(): string {
  const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
  const match = /<!-- scripts\/tour\.sh[^>]*-->\n```bash\n([\s\S]*?)```\n/.exec(readme)
  if (!match?.[1]) throw new Error('README.md has no ```bash block after <!-- scripts/tour.sh -->')
  return match[1]
}

describe('the two-minute tour', () => {
  it('is in the README verbatim', () => {
    expect(readmeTour()).toBe(script)
  })

  it('checks every call: strict bash, and curl fails on an HTTP error unless the status is checked', () => {
    expect(script).toMatch(/^set -euo pipefail$/m)
    expect(script).not.toMatch(/^\s*alias /m)
    // Single quotes around a URL with $R would send the text "$R/…".
    expect(script).not.toMatch(/'\$R/)
    for (const line of script.split('\n').filter((l) => /(^|[\s(])curl /.test(l))) {
      expect(line.includes('--fail-with-body') || /-w '%\{http_code\}.*\| grep -qx \d{3}/.test(line), line).toBe(true)
    }
  })

  it('runs against a fresh registry, every step as the README says', async () => {
    const run = promisify(execFile)
    const { stdout } = await run('bash', [path.join(repoRoot, 'scripts/tour.sh'), url], {
      env: { ...process.env, ADMIN_PASSWORD: password },
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stdout?: string; stderr?: string; code?: number }) => {
      throw new Error(`the tour failed (exit ${err.code}):\n${err.stdout}\n${err.stderr}`)
    })
    const lines = stdout.split('\n')
    expect(lines).toContain('1.1.0') // in Production at the time taken after the promotion
    expect(lines).toContain('MODEL_DEPLOYED')
    expect(lines.at(-2)).toBe('tour done')
  }, 120_000)
})
