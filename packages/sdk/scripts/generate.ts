// Writes openapi.json and src/generated/api.ts from the server's routes: `npm run generate -w @modelreg/sdk`.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { documentFile, renderSdkSources, typesFile } from './openapi-source.js'

const { document, types } = await renderSdkSources()
fs.mkdirSync(path.dirname(typesFile), { recursive: true })
fs.writeFileSync(documentFile, document)
fs.writeFileSync(typesFile, types)
// The repository's formatter owns JSON layout; the staleness test compares the parsed document.
const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome')
execFileSync(process.execPath, [biome, 'format', '--write', documentFile], { stdio: 'ignore' })
process.stdout.write(
  `wrote ${path.relative(process.cwd(), documentFile)} and ${path.relative(process.cwd(), typesFile)}\n`,
)
