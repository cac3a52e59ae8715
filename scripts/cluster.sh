#!/usr/bin/env bash
# A local two-replica registry for anyone: nginx (round-robin) in front of two replicas on one PostgreSQL database
# and a throwaway one-node Ceph RGW bucket, as docs/operations.md ("Running N replicas") describes for production.
#   usage: scripts/cluster.sh start [DIR]   prints the URL and the admin password
#          scripts/cluster.sh stop [DIR]    stops everything and drops the database; logs stay in DIR
# DIR (default ./.cluster) holds the state: nginx config, replica logs and pids, the Ceph cluster.
# Needs: a PostgreSQL server that the URL below reaches as a user allowed to create databases, the Ceph packages
# of scripts/ceph-rgw.sh, and nginx (Debian's nginx-light, installed here if missing).
# Settings (environment):
#   CLUSTER_PORT (8090)                   nginx, the URL to use
#   CLUSTER_REPLICA_PORTS ("8091 8092")   one replica per port: list more ports for more replicas
#   CLUSTER_POSTGRES_URL (postgres://postgres@127.0.0.1:5432)   the server; database CLUSTER_DATABASE
#   CLUSTER_DATABASE (modelreg_cluster)   created fresh on start, dropped on stop: use a name of its own
#   CLUSTER_RGW_PORT (7482), RGW_MON_PORT_V2 (3312), RGW_MON_PORT_V1 (6790; not 6800-7300, where OSDs bind)   beside a test RGW on the defaults
#   MODELREG_ADMIN_PASSWORD               the admin's password (generated and printed when unset)
set -euo pipefail
cmd=${1:?start|stop}
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(realpath -m "${2:-$root/.cluster}")
port=${CLUSTER_PORT:-8090}
read -r -a replica_ports <<<"${CLUSTER_REPLICA_PORTS:-8091 8092}"
pg_url=${CLUSTER_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432}
database=${CLUSTER_DATABASE:-modelreg_cluster}
rgw_port=${CLUSTER_RGW_PORT:-7482}
export RGW_MON_PORT_V2=${RGW_MON_PORT_V2:-3312} RGW_MON_PORT_V1=${RGW_MON_PORT_V1:-6790}
export RGW_ACCESS_KEY=modelreg-cluster RGW_SECRET_KEY=modelreg-cluster-secret
bucket=modelreg
[[ $database =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "cluster: CLUSTER_DATABASE must be a plain name" >&2; exit 2; }

nginx_bin() { command -v nginx || { [ -x /usr/sbin/nginx ] && echo /usr/sbin/nginx; } || true; }

psql_admin() { PGOPTIONS=--client-min-messages=warning psql "$pg_url/postgres" -v ON_ERROR_STOP=1 -qAt -c "$1" >/dev/null; }

stop_pid() { # PIDFILE
  [ -f "$1" ] || return 0
  local pid
  pid=$(cat "$1")
  if kill "$pid" 2>/dev/null; then
    for _ in $(seq 300); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  fi
  rm -f "$1"
}

if [ "$cmd" = stop ]; then
  [ -f "$dir/nginx/nginx.pid" ] && stop_pid "$dir/nginx/nginx.pid"
  for pidfile in "$dir"/replica-*.pid; do [ -e "$pidfile" ] && stop_pid "$pidfile"; done
  [ -d "$dir/rgw" ] && bash "$root/scripts/ceph-rgw.sh" stop "$dir/rgw"
  psql_admin "drop database if exists $database with (force)" || true
  echo "cluster stopped (logs in $dir)"
  exit 0
fi
[ "$cmd" = start ] || { echo "usage: scripts/cluster.sh start|stop [DIR]" >&2; exit 2; }

if [ -z "$(nginx_bin)" ]; then
  echo "cluster: installing nginx-light" >&2
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
  $sudo apt-get install -y --no-install-recommends nginx-light >/dev/null
fi
command -v psql >/dev/null || { echo "cluster: psql is needed (apt-get install postgresql-client)" >&2; exit 1; }
[ -f "$root/apps/server/dist/main.js" ] || (cd "$root" && npm run build)
mkdir -p "$dir/nginx"
for pidfile in "$dir"/replica-*.pid "$dir/nginx/nginx.pid"; do
  [ -e "$pidfile" ] && { echo "cluster: already running ($pidfile); scripts/cluster.sh stop first" >&2; exit 1; }
done

psql_admin "drop database if exists $database with (force)"
psql_admin "create database $database"
bash "$root/scripts/ceph-rgw.sh" start "$dir/rgw" "$rgw_port" >"$dir/rgw.log" 2>&1 || {
  tail -n 20 "$dir/rgw.log" >&2
  exit 1
}
# The bucket, made with the AWS SDK the server already depends on.
(cd "$root/apps/server" && node --input-type=module -e "
  import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3'
  const s3 = new S3Client({ endpoint: 'http://127.0.0.1:$rgw_port', region: 'us-east-1', forcePathStyle: true,
    credentials: { accessKeyId: '$RGW_ACCESS_KEY', secretAccessKey: '$RGW_SECRET_KEY' } })
  await s3.send(new CreateBucketCommand({ Bucket: '$bucket' }))
") 2>>"$dir/rgw.log"

password=${MODELREG_ADMIN_PASSWORD:-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')}
upstreams=""
i=0
for replica_port in "${replica_ports[@]}"; do
  i=$((i + 1))
  # Every replica: the same environment (docs/operations.md), its own port, started together.
  env PORT="$replica_port" HOST=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-info}" \
    DATABASE_URL="$pg_url/$database" MODELREG_DATA_DIR="$dir/replica-$i" MODELREG_ADMIN_PASSWORD="$password" \
    MODELREG_BLOB_STORE=s3 MODELREG_S3_BUCKET="$bucket" MODELREG_S3_ENDPOINT="http://127.0.0.1:$rgw_port" \
    MODELREG_S3_ACCESS_KEY_ID="$RGW_ACCESS_KEY" MODELREG_S3_SECRET_ACCESS_KEY="$RGW_SECRET_KEY" \
    MODELREG_S3_FORCE_PATH_STYLE=true MODELREG_TRUSTED_PROXIES=127.0.0.1 MODELREG_PUBLIC_URL="http://127.0.0.1:$port" \
    NODE_NO_WARNINGS=1 setsid node "$root/apps/server/dist/main.js" >"$dir/replica-$i.log" 2>&1 </dev/null &
  echo $! >"$dir/replica-$i.pid"
  upstreams+="        server 127.0.0.1:$replica_port;"$'\n'
done
i=0
for replica_port in "${replica_ports[@]}"; do
  i=$((i + 1))
  limit=$((SECONDS + 120))
  until curl -sf -o /dev/null "http://127.0.0.1:$replica_port/readyz"; do
    if ! kill -0 "$(cat "$dir/replica-$i.pid")" 2>/dev/null || ((SECONDS >= limit)); then
      echo "cluster: replica $i did not start; its log:" >&2
      tail -n 20 "$dir/replica-$i.log" >&2
      exit 1
    fi
    sleep 0.2
  done
done

cat >"$dir/nginx/nginx.conf" <<CONF
# Written by scripts/cluster.sh: round-robin over the replicas; /readyz failures take one out of rotation.
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
    access_log $dir/nginx/access.log;
    client_body_temp_path $dir/nginx/client_body;
    proxy_temp_path $dir/nginx/proxy;
    fastcgi_temp_path $dir/nginx/fastcgi;
    uwsgi_temp_path $dir/nginx/uwsgi;
    scgi_temp_path $dir/nginx/scgi;
    upstream modelreg {
$upstreams    }
    server {
        listen 127.0.0.1:$port;
        client_max_body_size 0;
        location / {
            proxy_pass http://modelreg;
            proxy_http_version 1.1;
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto \$scheme;
            proxy_request_buffering off;
            proxy_max_temp_file_size 0;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
            # A replica that refuses the connection or is draining: the request goes to the next one.
            proxy_next_upstream error timeout http_503;
        }
    }
}
CONF
"$(nginx_bin)" -e "$dir/nginx/error.log" -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
until curl -sf -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.2; done
echo "modelreg: ${#replica_ports[@]} replicas behind nginx at http://127.0.0.1:$port (PostgreSQL $database, S3 bucket $bucket on http://127.0.0.1:$rgw_port)"
echo "sign in as admin with password: $password"
echo "stop with: scripts/cluster.sh stop${2:+ $2}"
