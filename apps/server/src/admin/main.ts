#!/usr/bin/env node
// modelreg-admin: backup DIR | restore DIR | verify [DIR] for a registry on SQLite and the local blob store,
// configured by the same environment as the server (MODELREG_DATA_DIR, DATABASE_URL, MODELREG_BLOB_STORE).
import { ConfigError, loadConfig } from '../config/config.js'
import { backup, type LocalRegistry, restore, type VerifyReport, verifyBackup, verifyRegistry } from './backup.js'

const USAGE = `usage: modelreg-admin <command>
  backup DIR    online snapshot of the database and every blob into DIR (new or empty)
  restore DIR   restore a backup into the configured, empty data directory
  verify        check every blob of the registry against its sha256
  verify DIR    check a backup against its manifest
`

function describe(report: VerifyReport): string {
  const lines = [`checked ${report.checked} blobs: ${report.missing.length} missing, ${report.corrupt.length} corrupt`]
  for (const sha of report.missing) lines.push(`missing ${sha}`)
  for (const sha of report.corrupt) lines.push(`corrupt ${sha}`)
  return `${lines.join('\n')}\n`
}

async function run(argv: string[]): Promise<number> {
  const [command, dir, ...rest] = argv
  if (rest.length > 0 || !command || (command !== 'verify' && !dir)) {
    process.stderr.write(USAGE)
    return 2
  }
  const config = loadConfig()
  if (config.database.kind !== 'sqlite' || config.s3 !== undefined) {
    process.stderr.write(
      'modelreg-admin backs up SQLite with the local blob store; for PostgreSQL and S3 see docs/operations.md\n',
    )
    return 2
  }
  const registry: LocalRegistry = { databaseFile: config.database.file, blobRoot: config.blobRoot }
  switch (command) {
    case 'backup': {
      const manifest = await backup(registry, dir as string)
      process.stdout.write(`backed up the database and ${manifest.blobs.length} blobs into ${dir}\n`)
      return 0
    }
    case 'restore': {
      const manifest = await restore(dir as string, registry)
      process.stdout.write(`restored the database and ${manifest.blobs.length} blobs from ${dir}\n`)
      return 0
    }
    case 'verify': {
      const report = dir ? await verifyBackup(dir) : await verifyRegistry(registry)
      process.stdout.write(describe(report))
      return report.missing.length + report.corrupt.length === 0 ? 0 : 1
    }
    default:
      process.stderr.write(USAGE)
      return 2
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `modelreg-admin: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`,
    )
    process.exit(1)
  },
)
