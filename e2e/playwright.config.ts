// End to end in Debian's Chromium (never a downloaded browser) against a real registry on a fresh data directory.
import { defineConfig } from '@playwright/test'
import { ADMIN_PASSWORD, PORT } from './env.js'

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1366, height: 850 },
    acceptDownloads: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node start-registry.mjs',
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { PORT: String(PORT), MODELREG_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn' },
  },
})
