#!/usr/bin/env bash
# Installs, builds and starts the registry: http://127.0.0.1:8080, SQLite + blobs under ./data.
# The registry then runs as this script's own process (exec node, no npm in between): Ctrl-C, or SIGTERM to
# the PID that started the script, stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then npm ci; else npm install; fi
npm run build
exec node apps/server/dist/main.js
