# An S3 server for tests, benchmarks and by hand: Ceph's RADOS Gateway on a one-machine Ceph (one mon,
# one memstore OSD, cephx off), every daemon on loopback, every file in one folder. Source it, then:
#   ceph_start DIR   # exports DOWNSTREAM_TEST_S3_ENDPOINT, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
#   ceph_stop DIR    # stops those daemons by their own PIDs and removes DIR

ensure_ceph() {
  if ! command -v radosgw >/dev/null 2>&1 || ! command -v ceph-osd >/dev/null 2>&1 || ! command -v ceph-mon >/dev/null 2>&1; then
    echo "Installing Ceph (mon, osd, radosgw)..." >&2
    apt_install radosgw "ceph-mon ceph-osd radosgw ceph-common"
  fi
}

ceph_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Runs a Ceph command against DIR's cluster, bounded in time, its output kept out of the caller's pipes.
ceph_cmd() { # ceph_cmd DIR PROGRAM ARGS...
  local dir="$1" program="$2"
  shift 2
  timeout 60 "$program" -c "$dir/ceph.conf" "$@" </dev/null 2>>"$dir/log/commands.log"
}

ceph_wait() { # ceph_wait DIR WHAT SECONDS COMMAND...
  local dir="$1" what="$2" deadline=$((SECONDS + $3))
  shift 3
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      echo "error: $what did not come up; logs in $dir/log" >&2
      tail -n 20 "$dir"/log/*.log >&2
      return 1
    fi
    sleep 0.1
  done
}

ceph_start() { # ceph_start DIR
  local dir="$1" fsid mon_port rgw_port
  ceph_stop "$dir"
  mkdir -p "$dir/mon" "$dir/osd/ceph-0" "$dir/rgw" "$dir/run" "$dir/log"
  fsid="$(python3 -c 'import uuid; print(uuid.uuid4())')"
  mon_port="$(ceph_free_port)"
  rgw_port="$(ceph_free_port)"
  cat >"$dir/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v1:127.0.0.1:$mon_port
mon initial members = a
public addr = v1:127.0.0.1:0
cluster addr = v1:127.0.0.1:0
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
ms bind msgr2 = false
ms bind ipv6 = false
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
run dir = $dir/run
admin socket = $dir/run/\$name.asok
log file = $dir/log/\$name.log
pid file = $dir/run/\$name.pid
keyring = $dir/keyring
osd objectstore = memstore
memstore device bytes = 8589934592
osd data = $dir/osd/\$cluster-\$id
mon data = $dir/mon/\$cluster-\$id
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$rgw_port
rgw data = $dir/rgw
rgw enable usage log = false
rgw thread pool size = 128
CONF
  : >"$dir/keyring"
  timeout 30 monmaptool --create --addv a "[v1:127.0.0.1:$mon_port]" --fsid "$fsid" "$dir/monmap" >/dev/null </dev/null || return 1
  ceph_cmd "$dir" ceph-mon --mkfs -i a --monmap "$dir/monmap" || { echo "error: ceph-mon --mkfs failed" >&2; return 1; }
  ceph_cmd "$dir" ceph-mon -i a >/dev/null || { echo "error: ceph-mon did not start" >&2; tail -n 20 "$dir/log/mon.a.log" >&2; return 1; }
  ceph_cmd "$dir" ceph osd create >/dev/null || { echo "error: the mon does not answer" >&2; tail -n 20 "$dir/log/mon.a.log" >&2; return 1; }
  ceph_cmd "$dir" ceph-osd -i 0 --mkfs >/dev/null 2>&1 || { echo "error: ceph-osd --mkfs failed" >&2; return 1; }
  ceph_cmd "$dir" ceph-osd -i 0 >/dev/null 2>&1 || { echo "error: ceph-osd did not start" >&2; tail -n 20 "$dir/log/osd.0.log" >&2; return 1; }
  ceph_wait "$dir" "the OSD" 60 sh -c "timeout 10 ceph -c '$dir/ceph.conf' osd stat 2>/dev/null | grep -q '1 up'" || return 1
  ceph_cmd "$dir" radosgw -n client.rgw.a >/dev/null 2>&1 || { echo "error: radosgw did not start" >&2; tail -n 20 "$dir/log/client.rgw.a.log" >&2; return 1; }
  ceph_wait "$dir" "the RADOS Gateway" 90 curl -fs "http://127.0.0.1:$rgw_port/" || return 1
  export AWS_ACCESS_KEY_ID="downstream-test-key"
  export AWS_SECRET_ACCESS_KEY="downstream-test-secret-0123456789abcdef"
  ceph_cmd "$dir" radosgw-admin user create --uid=downstream --display-name=Downstream \
    --access-key="$AWS_ACCESS_KEY_ID" --secret="$AWS_SECRET_ACCESS_KEY" >/dev/null || { echo "error: radosgw-admin user create failed" >&2; return 1; }
  echo "$rgw_port" >"$dir/rgw.port"
  export DOWNSTREAM_TEST_S3_ENDPOINT="http://127.0.0.1:$rgw_port"
}

ceph_stop() { # ceph_stop DIR: never fails the caller
  local dir="$1" pidfile pid
  [ -d "$dir" ] || return 0
  for pidfile in "$dir"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$dir"
  return 0
}
