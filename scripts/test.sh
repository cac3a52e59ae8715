#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, starts PostgreSQL, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL 15 (Debian): the suite runs every database test on SQLite and on PostgreSQL.
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
psql "${TEST_DATABASE_URL%/*}/postgres" -qtAc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
  psql "${TEST_DATABASE_URL%/*}/postgres" -qc 'create database test'

# Dependencies exactly as locked (a clean install in CI; an incremental one on a developer machine).
if [ "${CI:-}" = true ] || [ ! -d node_modules ]; then npm ci; else npm install; fi

npm run build
npm run typecheck
npm run lint
npm test
