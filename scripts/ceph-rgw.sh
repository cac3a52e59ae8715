#!/usr/bin/env bash
# A throwaway one-node Ceph cluster (mon + 1 OSD + RADOS Gateway) on 127.0.0.1, for the S3 tests and benchmarks.
#   needs: apt-get install --no-install-recommends radosgw ceph-mon ceph-osd ceph-common curl
#   usage: scripts/ceph-rgw.sh start DIR [PORT]   S3 at http://127.0.0.1:PORT (default 7480), path-style
#          scripts/ceph-rgw.sh stop DIR
# Credentials: $RGW_ACCESS_KEY / $RGW_SECRET_KEY (default modelreg-test / modelreg-test-secret), region us-east-1.
# A second cluster beside a running one needs other monitor ports: $RGW_MON_PORT_V2 / $RGW_MON_PORT_V1 (3300 / 6789).
# Everything (config, mon store, a sparse BlueStore file, logs, pids) lives in DIR; no authentication between daemons.
set -euo pipefail
cmd=${1:?start|stop}
dir=$(realpath -m "${2:?directory}")
port=${3:-7480}
access=${RGW_ACCESS_KEY:-modelreg-test}
secret=${RGW_SECRET_KEY:-modelreg-test-secret}
mon_addr="[v2:127.0.0.1:${RGW_MON_PORT_V2:-3300},v1:127.0.0.1:${RGW_MON_PORT_V1:-6789}]"

until_ready() { # SECONDS WHAT COMMAND...
  local limit=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= limit)); then
      echo "ceph-rgw: $what did not come up; logs in $dir/log" >&2
      exit 1
    fi
    sleep 0.3
  done
}

if [ "$cmd" = stop ]; then
  for daemon in client.rgw osd.0 mon.a; do
    pidfile="$dir/run/$daemon.pid"
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || continue
    for _ in $(seq 150); do [ -d "/proc/$pid" ] || break; sleep 0.1; done
  done
  exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"/{mon.a,osd.0,run,log}
fsid=$(cat /proc/sys/kernel/random/uuid)
cat >"$dir/ceph.conf" <<CONF
[global]
fsid = $fsid
mon_host = $mon_addr
public_addr = 127.0.0.1
cluster_addr = 127.0.0.1
ms_bind_ipv6 = false
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
# with auth off, daemons must not insist on "secure" mode towards the monitor
ms_mon_client_mode = crc secure
run_dir = $dir/run
pid_file = $dir/run/\$name.pid
admin_socket = $dir/run/\$name.asok
log_file = $dir/log/\$name.log
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
mon_max_pg_per_osd = 1000
osd_crush_chooseleaf_type = 0
[mon]
mon_data = $dir/mon.\$id
mon_cluster_log_file = $dir/log/cluster.log
mon_data_avail_warn = 2
mon_data_avail_crit = 1
[osd]
osd_data = $dir/osd.\$id
osd_objectstore = bluestore
# not "block": BlueStore makes a symlink of that name
bluestore_block_path = $dir/osd.\$id/block.file
bluestore_block_size = ${RGW_DISK_BYTES:-21474836480}
bluestore_block_create = true
bluestore_block_db_create = false
bluestore_block_wal_create = false
osd_memory_target = 1073741824
bluestore_cache_autotune = false
bluestore_cache_size = 268435456
[client.rgw]
rgw_frontends = beast endpoint=127.0.0.1:$port
CONF
conf=(-c "$dir/ceph.conf")
monmaptool --create --addv a "$mon_addr" --fsid "$fsid" "$dir/monmap" >/dev/null
ceph-authtool --create-keyring "$dir/mon.keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-mon "${conf[@]}" --mkfs -i a --monmap "$dir/monmap" --keyring "$dir/mon.keyring"
ceph-mon "${conf[@]}" -i a
until_ready 60 "ceph-mon" ceph "${conf[@]}" --connect-timeout 5 mon stat
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
osd_id=$(ceph "${conf[@]}" osd new "$osd_uuid")
ceph-osd "${conf[@]}" -i "$osd_id" --mkfs --osd-uuid "$osd_uuid" >"$dir/log/osd-mkfs.log" 2>&1 || {
  tail -n 5 "$dir/log/osd-mkfs.log" >&2
  exit 1
}
ceph-osd "${conf[@]}" -i "$osd_id" 2>>"$dir/log/osd-start.log"
osd_up() { ceph "${conf[@]}" osd stat | grep -q '1 up'; }
until_ready 90 "ceph-osd" osd_up
radosgw "${conf[@]}" -n client.rgw
until_ready 120 "radosgw" curl -s -o /dev/null "http://127.0.0.1:$port/"
radosgw-admin "${conf[@]}" user create --uid=modelreg --display-name=modelreg --access-key="$access" --secret="$secret" >/dev/null
echo "S3 (Ceph RGW) ready at http://127.0.0.1:$port"
