#!/usr/bin/env bash
# Starts a throwaway PostgreSQL and a throwaway S3 server (Ceph RADOS Gateway) on 127.0.0.1, checks them, and
# stops them again. See scripts/lib/README.md.
#
#   bash scripts/lib/services-demo.sh           # start both, check them, print the variables, stop both
#   bash scripts/lib/services-demo.sh --shell   # the same, then an interactive shell with the variables set;
#                                               # both stop when that shell exits
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
. "$root/scripts/lib/ensure-tools.sh"
. "$root/scripts/lib/postgres.sh"
. "$root/scripts/lib/ceph.sh"

pg_dir="/tmp/downstream-demo-pg.$$"
ceph_dir="/tmp/downstream-demo-ceph.$$"
trap 'postgres_stop "$pg_dir"; ceph_stop "$ceph_dir"' EXIT
trap 'exit 130' INT TERM

ensure_tool python3 python3
ensure_tool curl curl
ensure_postgres || exit 1
ensure_ceph || exit 1

ms() { echo $((($(date +%s%N) - $1) / 1000000)); }

t="$(date +%s%N)"
postgres_start "$pg_dir" || exit 1
echo "PostgreSQL up in $(ms "$t") ms"
t="$(date +%s%N)"
ceph_start "$ceph_dir" || exit 1
echo "Ceph RADOS Gateway up in $(ms "$t") ms"

echo
echo "== PostgreSQL"
PGPASSWORD=downstream "$(_pg_tool psql)" -X -At -h 127.0.0.1 -p "$DOWNSTREAM_TEST_POSTGRES_PORT" -U downstream -d downstream \
  -c "select 'connected as ' || current_user || ' to ' || current_database() || ', ' || version()" || exit 1
echo "extra database: $(postgres_create_db demo_extra)" || exit 1

echo
echo "== S3"
python3 "$root/scripts/lib/s3-smoke.py" | grep -v '^ok ' || exit 1

echo
echo "== Variables"
env | grep -E '^(DOWNSTREAM_TEST_|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY)' | sort
rss=0
for pid in $(head -n 1 "$DOWNSTREAM_TEST_POSTGRES_PID_FILE") $(cat "$ceph_dir"/run/*.pid); do
  rss=$((rss + $(ps -o rss= -p "$pid")))
done
echo "resident memory of the postmaster and the three Ceph daemons: $((rss / 1024)) MiB"

if [ "${1:-}" = "--shell" ]; then
  echo
  echo "A shell with these variables; both servers stop when it exits. Try:"
  echo "  ceph -c \"\$DOWNSTREAM_TEST_CEPH_CONF\" -s"
  echo "  PGPASSWORD=downstream psql -h 127.0.0.1 -p \$DOWNSTREAM_TEST_POSTGRES_PORT -U downstream downstream"
  bash -i
fi
