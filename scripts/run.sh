#!/usr/bin/env bash
# Installs, builds and starts the registry: http://127.0.0.1:8080, SQLite + blobs under ./data.
# The registry then runs as this script's own process (exec node, no npm in between): Ctrl-C, or SIGTERM to
# the PID that started the script, stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."
# onnxruntime-node (under @huggingface/transformers, a test dependency) ships its CPU runtime in the npm tarball;
# its install script would also fetch CUDA libraries from nuget.org, which nothing here uses.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ]; then npm ci; else npm install; fi
npm run build
exec node apps/server/dist/main.js
