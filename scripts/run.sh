#!/usr/bin/env bash
# Installs, builds and starts the registry: http://127.0.0.1:8080, SQLite + blobs under ./data.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci; else npm install; fi
npm run build
exec npm start
