// The real Python clients the compatibility layers are tested with (huggingface_hub 0.36.2, MLflow 2.12): their
// unmodified sources ship as tarballs in the workspace's shared vendor folder and run on Debian's python3 with
// Debian's packages (scripts/test.sh installs them). Each tarball is unpacked once per machine, under a lock.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')

/** Debian's interpreter: another python3 earlier on PATH may not see Debian's packages. */
export const python = '/usr/bin/python3'

export type PythonClient = 'huggingface_hub-0.36.2' | 'mlflow-2.12' | 'querystring_parser-1.2.4'

/**
 * Where the vendored tarballs are: $MODELREG_VENDOR_DIR, else `../shared/vendor` beside the repository (the
 * workspace layout), else /work/shared/vendor. Throws with the places it looked: the compatibility suites test
 * the real clients and must not pass without them.
 */
export function vendorDir(): string {
  const candidates = [
    process.env.MODELREG_VENDOR_DIR,
    path.resolve(repoRoot, '../shared/vendor'),
    '/work/shared/vendor',
  ].filter((c): c is string => c !== undefined && c !== '')
  const found = candidates.find((c) => fs.existsSync(path.join(c, 'huggingface_hub-0.36.2-python.tar.gz')))
  if (found === undefined) {
    throw new Error(
      `the vendored Python clients are not in ${candidates.join(' or ')}; set MODELREG_VENDOR_DIR to the folder ` +
        'holding huggingface_hub-0.36.2-python.tar.gz and mlflow-2.12-python.tar.gz',
    )
  }
  return found
}

/**
 * A PYTHONPATH holding the given clients, unpacked under the OS temp folder. Safe to call from parallel test
 * files: each tarball is unpacked into a private folder and renamed into place, so a reader never sees half.
 */
export async function pythonPath(clients: readonly PythonClient[]): Promise<string> {
  const root = path.join(os.tmpdir(), 'modelreg-python-clients')
  await fs.promises.mkdir(root, { recursive: true })
  const dirs: string[] = []
  for (const client of clients) {
    const target = path.join(root, client)
    if (!fs.existsSync(target)) {
      const staging = await fs.promises.mkdtemp(path.join(root, `.${client}-`))
      await run('tar', ['xzf', path.join(vendorDir(), `${client}-python.tar.gz`), '-C', staging])
      try {
        await fs.promises.rename(staging, target)
      } catch (err) {
        // Another test file won the race: its copy is complete, drop ours.
        if (!fs.existsSync(target)) throw err
        await fs.promises.rm(staging, { recursive: true, force: true })
      }
    }
    dirs.push(target)
  }
  return dirs.join(path.delimiter)
}

/** Runs a Python script with the given clients importable; resolves with stdout, rejects with stderr in the message. */
export async function runPython(
  script: string,
  opts: { clients: readonly PythonClient[]; env?: Record<string, string>; timeoutMs?: number },
): Promise<string> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: os.tmpdir(),
    PYTHONPATH: await pythonPath(opts.clients),
    PYTHONDONTWRITEBYTECODE: '1',
    ...opts.env,
  }
  try {
    const { stdout } = await run(python, ['-c', script], {
      env,
      timeout: opts.timeoutMs ?? 120_000,
      maxBuffer: 64 * 1024 * 1024,
    })
    return stdout
  } catch (err) {
    const e = err as { stderr?: string; message: string }
    throw new Error(`python failed: ${e.message}\n${e.stderr ?? ''}`)
  }
}
