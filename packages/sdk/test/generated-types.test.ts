// The committed openapi.json and src/generated/api.ts must be what the server's routes give today.
import fs from 'node:fs'
import { expect, it } from 'vitest'
import { documentFile, renderSdkSources, typesFile } from '../scripts/openapi-source.js'

type Doc = { paths: Record<string, unknown> } & Record<string, unknown>

/** A short account of what differs, so the failure says which routes to look at. */
function differences(committed: Doc, fresh: Doc): string[] {
  const out: string[] = []
  for (const p of Object.keys(fresh.paths)) if (!(p in committed.paths)) out.push(`route added: ${p}`)
  for (const p of Object.keys(committed.paths)) {
    if (!(p in fresh.paths)) out.push(`route removed: ${p}`)
    else if (JSON.stringify(committed.paths[p]) !== JSON.stringify(fresh.paths[p])) out.push(`route changed: ${p}`)
  }
  const { paths: _c, ...restCommitted } = committed
  const { paths: _f, ...restFresh } = fresh
  if (JSON.stringify(restCommitted) !== JSON.stringify(restFresh)) out.push('info, tags or components changed')
  return out
}

it('the committed OpenAPI document and generated types match the server (else: npm run generate -w @modelreg/sdk)', async () => {
  const { document, types } = await renderSdkSources()
  const committed = JSON.parse(fs.readFileSync(documentFile, 'utf8')) as Doc
  expect(differences(committed, JSON.parse(document) as Doc), 'packages/sdk/openapi.json is stale').toEqual([])
  expect(fs.readFileSync(typesFile, 'utf8') === types, 'packages/sdk/src/generated/api.ts is stale').toBe(true)
})
