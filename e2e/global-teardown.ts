// The registry's data folder goes with the run, whether or not the server got to remove it itself.
import fs from 'node:fs'
import { DATA_DIR } from './env.js'

export default function globalTeardown(): void {
  fs.rmSync(DATA_DIR, { recursive: true, force: true })
}
