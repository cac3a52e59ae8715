// Starts the built registry on a throwaway data directory (SQLite + local blobs), removed when it exits.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'modelreg-e2e-'))
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
