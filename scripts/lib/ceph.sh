# An S3 server for tests, CI, benchmarks and by hand: Ceph's RADOS Gateway on a one-machine Ceph (one mon,
# one OSD on memstore, cephx off), every daemon on 127.0.0.1, every file (config, data, logs, PIDs, admin
# sockets) in one folder. Source it (after ensure-tools.sh), then:
#
#   ensure_ceph        # apt-installs ceph-mon ceph-osd radosgw ceph-common when missing (Debian 12: 16.2.15)
#   ceph_start DIR     # starts mon, OSD and gateway, makes the S3 user; exports the variables below
#   ceph_stop DIR      # kills those daemons by their own PIDs and removes DIR; never fails the caller
#
# Exported by ceph_start:
#   DOWNSTREAM_TEST_S3_ENDPOINT   http://127.0.0.1:PORT (path-style only: no rgw_dns_name)
#   DOWNSTREAM_TEST_S3_REGION     us-east-1 (SigV4 scope; the gateway signs with whatever region it is sent)
#   AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY   fixed test keys of the S3 user "downstream"
#   DOWNSTREAM_TEST_CEPH_CONF     DIR/ceph.conf, for by-hand commands: ceph -c "$DOWNSTREAM_TEST_CEPH_CONF" -s
#
# Everything lives in memory (memstore): objects are gone when the OSD stops. The store is capped at
# DOWNSTREAM_CEPH_MEMSTORE_BYTES (4 GiB); memory is only used as it fills. There is no mgr: "ceph -s" shows
# no pool or PG statistics, which the gateway does not need.

_ds_free_port() { # a TCP port free on 127.0.0.1 right now (another process may still take it: callers retry)
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

_ds_alive() { # _ds_alive PID: running (a zombie waiting for a slow reaper does not count)
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [ -n "$state" ] && [ "$state" != Z ]
}

ensure_ceph() {
  local missing="" package
  command -v ceph-mon >/dev/null 2>&1 || missing="$missing ceph-mon"
  command -v ceph-osd >/dev/null 2>&1 || missing="$missing ceph-osd"
  command -v radosgw >/dev/null 2>&1 || missing="$missing radosgw"
  { command -v ceph >/dev/null 2>&1 && command -v radosgw-admin >/dev/null 2>&1 && command -v monmaptool >/dev/null 2>&1; } \
    || missing="$missing ceph-common"
  command -v curl >/dev/null 2>&1 || missing="$missing curl"
  [ -z "$missing" ] && return 0
  echo "Installing$missing..." >&2
  for package in $missing; do # apt_install takes one package at a time
    apt_install "$package" "$package"
  done
}

# A Ceph program against DIR's cluster only (-c and CEPH_CONF, never /etc/ceph), bounded in time, its
# diagnostics appended to DIR/log/commands.log.
_ceph_cmd() { # _ceph_cmd DIR PROGRAM ARGS...
  local dir="$1" program="$2"
  shift 2
  echo "+ [$(date +%T.%N | cut -c1-12)] $program $*" >>"$dir/log/commands.log"
  CEPH_CONF="$dir/ceph.conf" timeout 60 "$program" -c "$dir/ceph.conf" "$@" </dev/null 2>>"$dir/log/commands.log"
}

_ceph_pid() { # _ceph_pid DIR NAME: the PID of DIR's daemon NAME (mon.a, osd.0, client.rgw.a) when it is alive
  local dir="$1" pid
  pid="$(cat "$dir/run/$2.pid" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  _ds_alive "$pid" || return 1
  # After a crash or a reboot the PID may be someone else's: check it runs on DIR's config.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir/ceph.conf" || return 1
  echo "$pid"
}

_ceph_logs() { # _ceph_logs DIR: the tails of every log, for a failure
  local log
  for log in "$1"/log/*.log; do
    [ -s "$log" ] || continue
    echo "--- last lines of $log:" >&2
    tail -n 15 "$log" >&2
  done
}

_ceph_fail() { # _ceph_fail DIR MESSAGE
  echo "error: $2 (logs in $1/log)" >&2
  _ceph_logs "$1"
  return 1
}

_ceph_safe_dir() {
  case "$1" in "" | "/" | "//" | "/tmp" | "/tmp/" | "$HOME" | "$HOME/") return 1 ;; esac
  return 0
}

_ceph_write_conf() { # _ceph_write_conf DIR FSID MON_V2_PORT MON_V1_PORT
  local dir="$1" fsid="$2" v2="$3" v1="$4"
  cat >"$dir/ceph.conf" <<CONF
# Written by scripts/lib/ceph.sh for a throwaway one-machine cluster; nothing here is for production.
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]
public addr = 127.0.0.1
cluster addr = 127.0.0.1
ms bind ipv6 = false
# No cephx: loopback only and thrown away.
auth cluster required = none
auth service required = none
auth client required = none
auth supported = none
# radosgw defaults to a "secure" mon connection, which cannot be had without cephx (it then fails with -13).
ms mon client mode = crc
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
# One OSD: one copy, small PG counts so that pools are active at once.
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
mon data avail warn = 2
mon data avail crit = 1
# Maps committed at once instead of every second: pools are made in well under a second each.
paxos propose interval = 0.01
paxos min wait = 0.001
# Every path in DIR: nothing in /etc/ceph, /var/lib/ceph, /var/log/ceph or /var/run/ceph.
run dir = $dir/run
admin socket = $dir/run/\$name.asok
pid file = $dir/run/\$name.pid
log file = $dir/log/\$name.log
mon cluster log file = $dir/log/cluster.\$channel.log
crash dir = $dir/crash
keyring = $dir/keyring
mon data = $dir/mon/\$cluster-\$id
osd data = $dir/osd/\$cluster-\$id
rgw data = $dir/rgw/\$cluster-\$id
# The OSD keeps objects in memory; the cap is only a cap.
osd objectstore = memstore
memstore device bytes = ${DOWNSTREAM_CEPH_MEMSTORE_BYTES:-4294967296}
osd op num shards = 2
osd op num threads per shard = 1
ms async op threads = 2

[client.rgw.a]
# Path-style only (no rgw dns name); the frontend is given on the command line.
rgw enable apis = s3, admin
rgw thread pool size = 64
rgw override bucket index max shards = 1
rgw enable usage log = false
rgw enable lc threads = false
rgw dynamic resharding = false
rgw gc obj min wait = 60
rgw gc processor period = 60
CONF
}

_ceph_start_once() { # _ceph_start_once DIR: 0 up, 1 failed, 2 a port was taken meanwhile (try again)
  local dir="$1" fsid osd_uuid osd_id v1 v2 rgw_port deadline name
  mkdir -p "$dir/mon" "$dir/osd/ceph-0" "$dir/rgw" "$dir/run" "$dir/log" "$dir/crash" || return 1
  : >"$dir/keyring"
  fsid="$(cat /proc/sys/kernel/random/uuid)"
  osd_uuid="$(cat /proc/sys/kernel/random/uuid)"
  v2="$(_ds_free_port)" && v1="$(_ds_free_port)" && rgw_port="$(_ds_free_port)" || return 1
  [ "$v1" != "$v2" ] && [ "$rgw_port" != "$v1" ] && [ "$rgw_port" != "$v2" ] || return 2
  _ceph_write_conf "$dir" "$fsid" "$v2" "$v1"

  _ceph_cmd "$dir" monmaptool --create --enable-all-features --addv a "[v2:127.0.0.1:$v2,v1:127.0.0.1:$v1]" \
    --fsid "$fsid" "$dir/monmap" >/dev/null || { _ceph_fail "$dir" "monmaptool failed"; return 1; }
  _ceph_cmd "$dir" ceph-mon --mkfs -i a --monmap "$dir/monmap" >/dev/null || { _ceph_fail "$dir" "ceph-mon --mkfs failed"; return 1; }
  _ceph_cmd "$dir" ceph-mon -i a >/dev/null || { _ceph_fail "$dir" "ceph-mon did not start"; return 1; }
  # "ceph osd create" waits for the mon's quorum; a mon that died (its ports taken) fails it at once.
  if ! osd_id="$(_ceph_cmd "$dir" ceph --connect-timeout 30 osd create "$osd_uuid")" || [ "$osd_id" != 0 ]; then
    grep -qs "Address already in use\|unable to bind" "$dir/log/mon.a.log" && return 2
    _ceph_fail "$dir" "the mon does not answer (osd create gave '${osd_id:-}')"
    return 1
  fi
  _ceph_cmd "$dir" ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >>"$dir/log/commands.log" 2>&1 \
    || { _ceph_fail "$dir" "ceph-osd --mkfs failed"; return 1; }
  _ceph_cmd "$dir" ceph-osd -i 0 >>"$dir/log/commands.log" 2>&1 || { _ceph_fail "$dir" "ceph-osd did not start"; return 1; }
  # The gateway makes its pools while the OSD boots: no need to wait for the OSD first.
  _ceph_cmd "$dir" radosgw -n client.rgw.a --rgw-frontends "beast endpoint=127.0.0.1:$rgw_port" >>"$dir/log/commands.log" 2>&1 \
    || { _ceph_fail "$dir" "radosgw did not start"; return 1; }
  echo "$rgw_port" >"$dir/rgw.port"

  deadline=$((SECONDS + ${DOWNSTREAM_CEPH_START_TIMEOUT:-90}))
  until curl -fsS -o /dev/null -m 2 "http://127.0.0.1:$rgw_port/" 2>/dev/null; do
    for name in mon.a osd.0 client.rgw.a; do
      if ! _ceph_pid "$dir" "$name" >/dev/null; then
        # radosgw writes its PID file only once it runs; give it that moment.
        [ "$name" = client.rgw.a ] && [ ! -s "$dir/run/$name.pid" ] && [ $SECONDS -lt $((deadline - 80)) ] && continue
        grep -qs "Address already in use\|unable to bind\|failed to bind" "$dir/log/$name.log" && return 2
        _ceph_fail "$dir" "$name stopped while the cluster was starting"
        return 1
      fi
    done
    if [ $SECONDS -ge $deadline ]; then
      _ceph_fail "$dir" "the RADOS Gateway did not answer on 127.0.0.1:$rgw_port within ${DOWNSTREAM_CEPH_START_TIMEOUT:-90} s"
      return 1
    fi
    sleep 0.1
  done
  echo "+ [$(date +%T.%N | cut -c1-12)] the gateway answers" >>"$dir/log/commands.log"

  # Test keys only: the gateway listens on 127.0.0.1 and is thrown away with DIR.
  _ceph_cmd "$dir" radosgw-admin user create --uid=downstream --display-name="Downstream tests" \
    --access-key=downstream-test-key --secret=downstream-test-secret-0123456789abcdef >/dev/null \
    || { _ceph_fail "$dir" "radosgw-admin user create failed"; return 1; }
  # A signed request proves the user is known to the gateway. (curl 7.88 leaves x-amz-content-sha256 out of
  # its SigV4 requests, and without it the gateway answers SignatureDoesNotMatch: it is given by hand.)
  deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null -m 5 -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "downstream-test-key:downstream-test-secret-0123456789abcdef" "http://127.0.0.1:$rgw_port/" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      _ceph_fail "$dir" "the gateway refuses the S3 user's signed requests"
      return 1
    fi
    sleep 0.1
  done
  return 0
}

ceph_start() { # ceph_start DIR
  local dir="${1:-}" attempt rc program
  _ceph_safe_dir "$dir" || { echo "error: ceph_start needs a folder of its own (got '$dir')" >&2; return 1; }
  dir="$(realpath -m "$dir")"
  # Unix socket paths (admin sockets) are limited to 107 bytes.
  [ ${#dir} -le 70 ] || { echo "error: ceph_start: '$dir' is too long for admin sockets (at most 70 characters)" >&2; return 1; }
  for program in ceph-mon ceph-osd radosgw radosgw-admin ceph monmaptool curl python3; do
    command -v "$program" >/dev/null 2>&1 || { echo "error: $program is missing (run ensure_ceph)" >&2; return 1; }
  done
  for attempt in 1 2 3; do
    ceph_stop "$dir" # a leftover from a crashed run, or the failed attempt
    _ceph_start_once "$dir"
    rc=$?
    [ $rc -eq 0 ] && break
    if [ $rc -eq 2 ] && [ $attempt -lt 3 ]; then
      echo "note: a port was taken meanwhile; starting Ceph again on others" >&2
      continue
    fi
    [ $rc -eq 2 ] && _ceph_fail "$dir" "ports kept being taken"
    ceph_stop "$dir"
    return 1
  done
  export AWS_ACCESS_KEY_ID="downstream-test-key"
  export AWS_SECRET_ACCESS_KEY="downstream-test-secret-0123456789abcdef"
  DOWNSTREAM_TEST_S3_ENDPOINT="http://127.0.0.1:$(cat "$dir/rgw.port")"
  export DOWNSTREAM_TEST_S3_ENDPOINT
  export DOWNSTREAM_TEST_S3_REGION="us-east-1"
  export DOWNSTREAM_TEST_CEPH_CONF="$dir/ceph.conf"
  return 0
}

ceph_stop() { # ceph_stop DIR: never fails the caller
  local dir="${1:-}" name pid pids="" deadline
  _ceph_safe_dir "$dir" || return 0
  dir="$(realpath -m "$dir")"
  [ -d "$dir" ] || return 0
  # Gateway first, then the OSD, then the mon. Memstore keeps nothing worth a clean shutdown.
  for name in client.rgw.a osd.0 mon.a; do
    if pid="$(_ceph_pid "$dir" "$name")"; then
      kill -9 "$pid" 2>/dev/null
      pids="$pids $pid"
    fi
  done
  deadline=$((SECONDS + 10))
  for pid in $pids; do
    while _ds_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
  done
  rm -rf "$dir" 2>/dev/null
  return 0
}
