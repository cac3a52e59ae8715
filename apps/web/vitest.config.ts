import react from '@vitejs/plugin-react'
import { defineProject } from 'vitest/config'

export default defineProject({
  plugins: [react()],
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.test.tsx'],
    setupFiles: ['src/test/setup.ts'],
    // A budget for a loaded 2-core machine (typing through user-event takes seconds there), as for the node project.
    testTimeout: 30_000,
  },
})
