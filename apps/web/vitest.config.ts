import react from '@vitejs/plugin-react'
import { defineProject } from 'vitest/config'

export default defineProject({
  plugins: [react()],
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
    // One module graph per worker, not per file: jsdom, React and Mantine are imported once (less than half the
    // CPU). Safe because no web test uses vi.mock: they fake the API with test/render.tsx, and test/setup.ts puts
    // back every spy, timer and rendered tree after each test, so shuffled runs pass (decision 0013).
    isolate: false,
    // A budget for a loaded 2-core machine (typing through user-event takes seconds there), as for the node project.
    testTimeout: 30_000,
  },
})
