// scripts/run.sh ends by exec'ing the registry in its own process: stopping the PID that started the script
// stops the registry (it used to exec `npm start`, and SIGTERM ended npm while the server kept serving). The
// install and build steps are the test command's own; this runs the script's final command as the script does.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { accepts, freePort, registryEnv, repoRoot, start, until } from './helpers.js'

const script = fs.readFileSync(path.join(repoRoot, 'scripts/run.sh'), 'utf8')
const finalCommand = script.trim().split('\n').at(-1) ?? ''
const dirs: string[] = []

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
})

async function startLikeRunSh() {
  if (!fs.existsSync(path.join(repoRoot, 'apps/server/dist/main.js'))) throw new Error('run `npm run build` first')
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-run-sh-'))
  dirs.push(dataDir)
  const port = await freePort()
  // `bash -c 'exec node …'`: bash becomes node, as run.sh does; the PID we hold is the script's.
  const run = start('bash', ['-c', finalCommand], registryEnv(port, dataDir, { LOG_LEVEL: 'info' }))
  await until('the registry to listen', async () => {
    if (run.child.exitCode !== null) throw new Error(`the registry exited: ${run.output()}`)
    return accepts(port)
  })
  await until('the first-start banner', () => run.output().includes('one-time password'))
  return { run, port }
}

describe('scripts/run.sh', () => {
  it('hands its process to the registry: exec node, no npm in between', () => {
    expect(finalCommand).toBe('exec node apps/server/dist/main.js')
    expect(script).not.toMatch(/npm start/)
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the script's PID stops the registry and closes its port`, async () => {
      const { run, port } = await startLikeRunSh()
      run.child.kill(signal)
      const exit = await run.exited
      expect(exit.code, run.output()).toBe(0)
      expect(await accepts(port)).toBe(false)
      expect(run.output()).toContain('"msg":"draining"')
    }, 60_000)
  }

  it('the first start names the web UI address and how to stop it', async () => {
    const { run, port } = await startLikeRunSh()
    const out = run.output()
    expect(out).toContain(`Open the web UI at http://127.0.0.1:${port}`)
    expect(out).toContain('SIGTERM')
    run.child.kill('SIGTERM')
    await run.exited
  }, 60_000)
})
