// Starts the built registry on a throwaway data directory (SQLite + local blobs), removed when it exits. The runner
// names the directory (E2E_DATA_DIR, see env.ts) and removes it again in its global teardown, for when it kills us.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-e2e-'))
fs.mkdirSync(dataDir, { recursive: true })
const server = spawn(process.execPath, [path.resolve(import.meta.dirname, '../apps/server/dist/main.js')], {
  env: { ...process.env, MODELREG_DATA_DIR: dataDir, HOST: '127.0.0.1' },
  stdio: 'inherit',
})
const cleanUp = () => fs.rmSync(dataDir, { recursive: true, force: true })
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => {
  cleanUp()
  process.exit(code ?? 0)
})
