#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs what the tests need, starts PostgreSQL and a one-node
# Ceph RADOS Gateway (the real S3 server the S3 blob store is tested against), builds, checks, runs the unit,
# integration and component tests, then the end-to-end tests in Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: PostgreSQL 15 and Ceph (mon, osd, radosgw) from Debian.
need=()
command -v pg_ctlcluster >/dev/null 2>&1 || need+=(postgresql)
command -v radosgw >/dev/null 2>&1 || need+=(radosgw ceph-mon ceph-osd ceph-common)
command -v curl >/dev/null 2>&1 || need+=(curl)
# nginx for scripts/cluster.sh (its test runs two replicas behind it).
[ -x /usr/sbin/nginx ] || need+=(nginx-light)
# The AWS CLI runs the PostgreSQL + S3 backup recipe of docs/operations.md in its test.
command -v aws >/dev/null 2>&1 || need+=(awscli)
# Debian's Chromium for the end-to-end tests (Playwright drives it; no browser is downloaded).
[ -x /usr/bin/chromium ] || need+=(chromium)
# Debian's Python packages the real huggingface_hub and MLflow clients run on (their sources are vendored in
# ../shared/vendor; apps/server/test/helpers/python-clients.ts unpacks them).
python_debs=(python3-requests python3-yaml python3-filelock python3-fsspec python3-tqdm python3-typing-extensions
  python3-packaging python3-flask python3-sqlalchemy python3-alembic python3-protobuf python3-click python3-sqlparse
  python3-pandas python3-numpy python3-cloudpickle python3-entrypoints python3-importlib-metadata python3-tz)
for deb in "${python_debs[@]}"; do
  dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q 'install ok installed' || need+=("$deb")
done
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# PostgreSQL: every database test runs on SQLite and on PostgreSQL.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
  for _ in $(seq 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
psql "${TEST_DATABASE_URL%/*}/postgres" -qtAc "select 1 from pg_database where datname = 'test'" | grep -q 1 ||
  psql "${TEST_DATABASE_URL%/*}/postgres" -qc 'create database test'

# S3: a throwaway Ceph RGW on 127.0.0.1:7480 unless TEST_S3_ENDPOINT points elsewhere.
if [ -z "${TEST_S3_ENDPOINT:-}" ]; then
  rgw_dir="$(mktemp -d)/rgw"
  trap 'bash scripts/ceph-rgw.sh stop "$rgw_dir"; rm -rf "$(dirname "$rgw_dir")"' EXIT
  if curl -s -o /dev/null http://127.0.0.1:7480/; then
    echo "something already listens on 127.0.0.1:7480; set TEST_S3_ENDPOINT to use it" >&2
    exit 1
  fi
  bash scripts/ceph-rgw.sh start "$rgw_dir" 7480
fi

# Dependencies exactly as locked (a clean install in CI; an incremental one on a developer machine).
# onnxruntime-node (under @huggingface/transformers, a test dependency) ships its CPU runtime in the npm tarball;
# its install script would also fetch CUDA libraries from nuget.org, which nothing here uses.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ "${CI:-}" = true ] || [ ! -d node_modules ]; then npm ci; else npm install; fi

npm run build
npm run typecheck
npm run lint
npm test
npm run e2e
