import os from 'node:os'
import path from 'node:path'

export const PORT = Number(process.env.E2E_PORT ?? 4791)
export const ADMIN_PASSWORD = 'e2e-admin-password'
export const BASE_URL = `http://127.0.0.1:${PORT}`

// The registry's data folder for this run, named by the runner so that its global teardown can remove it even when the
// server is killed. Workers load this file again and inherit the name through the runner's environment.
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `modelreg-e2e-${process.pid}-${Date.now().toString(36)}`)
export const DATA_DIR: string = process.env.E2E_DATA_DIR
