// The unit lane (npm run test:unit): domain rules, services on in-memory SQLite with the in-memory blob store,
// contract/SDK/CLI pure tests and web components. No globalSetup: nothing here may need PostgreSQL or Ceph RGW.
// `npm test` (vitest.config.ts) still runs everything, these included, on both databases and every blob store.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Vitest's default leaves one of two cores idle; this lane is CPU-bound and small, so use both.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'apps/*/src/**/*.test.ts',
            'packages/contract/test/**/*.test.ts',
            'packages/sdk/test/browser-entry.test.ts',
            'packages/sdk/test/carry-forward.test.ts',
            'packages/sdk/test/file-source.test.ts',
            'packages/sdk/test/model-ref.test.ts',
            'apps/server/test/integration/*.service.test.ts',
            'apps/server/test/blobs/blob-store.test.ts',
          ],
          env: { MODELREG_TEST_LANE: 'unit' },
          testTimeout: 30_000,
          // One module graph for every file: importing the server once, not once per file, is most of the saving.
          isolate: false,
        },
      },
      {
        // The web project as apps/web/vitest.config.ts has it (isolate: false), on worker threads (cheaper to start
        // than forks).
        extends: './apps/web/vitest.config.ts',
        root: './apps/web',
        test: { pool: 'threads' },
      },
    ],
  },
})
