// Placeholder build until the web UI issue brings Vite: copies the static page into dist/.
import fs from 'node:fs'

fs.rmSync('dist', { recursive: true, force: true })
fs.mkdirSync('dist/src', { recursive: true })
fs.copyFileSync('index.html', 'dist/index.html')
fs.copyFileSync('src/main.js', 'dist/src/main.js')
