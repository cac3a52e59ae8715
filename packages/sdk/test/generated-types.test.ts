import fs from 'node:fs'
import { expect, it } from 'vitest'
import { documentFile, renderSdkSources, typesFile } from '../scripts/openapi-source.js'

it('the committed OpenAPI document and generated types match the server (run `npm run generate -w @modelreg/sdk`)', async () => {
  const { document, types } = await renderSdkSources()
  expect(JSON.parse(fs.readFileSync(documentFile, 'utf8')), 'packages/sdk/openapi.json is stale').toEqual(
    JSON.parse(document),
  )
  expect(fs.readFileSync(typesFile, 'utf8') === types, 'packages/sdk/src/generated/api.ts is stale').toBe(true)
})
