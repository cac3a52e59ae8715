import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// `npm run dev -w @modelreg/web` proxies the API to a registry started with `npm run dev`.
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
})
