import '@testing-library/jest-dom/vitest'
import { cleanup, configure } from '@testing-library/react'
import { afterEach, vi } from 'vitest'

// Test files share one module graph per worker (isolate: false): whatever a test changes in a shared module or
// global is put back here, so no test depends on the files that ran before it in the same worker.
afterEach(() => {
  cleanup()
  // The fake API of test/render.tsx, and any other vi.spyOn.
  vi.restoreAllMocks()
  vi.useRealTimers()
})
// findBy…/waitFor wait for the thing; on a loaded 2-core machine a page can take seconds to render, so the budget is
// 10 s rather than 1 s (a passing test still returns as soon as the thing is there).
configure({ asyncUtilTimeout: 10_000 })

// jsdom lacks these browser APIs that Mantine asks for.
Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener: () => undefined,
    removeEventListener: () => undefined,
    addListener: () => undefined,
    removeListener: () => undefined,
    dispatchEvent: () => false,
  }),
})
window.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
}
// jsdom does not lay out, so it has no scrollIntoView; a test spies on this one to see a field brought into view.
Element.prototype.scrollIntoView ??= () => undefined
// Autosize textareas listen for web fonts loading.
if (!('fonts' in document)) {
  Object.defineProperty(document, 'fonts', {
    value: { addEventListener: () => undefined, removeEventListener: () => undefined, ready: Promise.resolve() },
  })
}
