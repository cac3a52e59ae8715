// End to end in Debian's Chromium (never a downloaded browser) against a real registry on a fresh data directory.
//
// Made for a loaded machine: tests wait for what they need (a URL, a row, a dialog closing), never for time; each test
// creates its own data under names unique to its worker, so a retry in a new worker starts clean; timeouts are
// budgets for a slow run, not expectations of one.
import { defineConfig } from '@playwright/test'
import { ADMIN_PASSWORD, DATA_DIR, PORT } from './env.js'

export default defineConfig({
  testDir: 'tests',
  outputDir: 'test-results',
  fullyParallel: false,
  workers: 1,
  // A retry hides nothing it should not: every test owns its data (unique names), so a second run is the same test.
  retries: process.env.CI ? 1 : 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  globalTeardown: './global-teardown.ts',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    viewport: { width: 1366, height: 850 },
    acceptDownloads: true,
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  webServer: {
    command: 'node start-registry.mjs',
    url: `http://127.0.0.1:${PORT}/healthz`,
    reuseExistingServer: false,
    timeout: 120_000,
    // SIGTERM first, so that the registry closes and removes its data folder itself (the teardown does it too).
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: { PORT: String(PORT), MODELREG_ADMIN_PASSWORD: ADMIN_PASSWORD, LOG_LEVEL: 'warn', E2E_DATA_DIR: DATA_DIR },
  },
})
