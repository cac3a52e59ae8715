// The web tests share one module graph per worker (isolate: false in apps/web/vitest.config.ts). A module mocked
// with vi.mock by one file would stay mocked, or stay real, for the next file in that worker: fake the API with
// fakeApi() from test/render.tsx instead, which test/setup.ts undoes after every test.
import { expect, it } from 'vitest'

const testFiles = import.meta.glob<string>('../**/*.test.tsx', { query: '?raw', import: 'default', eager: true })

it('no web component test mocks a module', () => {
  expect(Object.keys(testFiles).length).toBeGreaterThan(5)
  const mocking = Object.entries(testFiles)
    .filter(([, text]) => /\bvi\.(do)?mock\(/.test(text))
    .map(([file]) => file)
  expect(mocking).toEqual([])
})
