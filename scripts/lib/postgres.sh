# PostgreSQL for tests, benchmarks and by hand: initdb in a folder of its own, loopback only, as a
# non-root user. Source it, then:
#   postgres_start DIR   # exports DOWNSTREAM_TEST_POSTGRES (an Npgsql connection string)
#   postgres_stop DIR    # stops that server by its own PID and removes DIR

postgres_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  return 1
}

ensure_postgres() {
  if ! postgres_bin >/dev/null; then
    echo "Installing PostgreSQL..." >&2
    apt_install postgres postgresql
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# The server refuses to run as root: run it as the postgres user when we are root.
postgres_as() {
  if [ "$(id -u)" -eq 0 ]; then
    su -s /bin/sh postgres -c "$*"
  else
    sh -c "$*"
  fi
}

postgres_start() { # postgres_start DIR
  local dir="$1" bin port
  bin="$(postgres_bin)" || { echo "error: PostgreSQL is not installed" >&2; return 1; }
  postgres_stop "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin postgres
    chown postgres "$dir"
  fi
  port="$(free_port)"
  postgres_as "'$bin/initdb' -D '$dir/data' -U downstream --auth=trust -E UTF8 --no-sync >'$dir/initdb.log' 2>&1" \
    || { cat "$dir/initdb.log" >&2; return 1; }
  # Durability is not under test here: speed is (fsync and friends off).
  postgres_as "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB\" start >/dev/null" \
    || { tail -n 40 "$dir/server.log" >&2; return 1; }
  local deadline=$((SECONDS + 60))
  until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
    [ $SECONDS -ge $deadline ] && { echo "error: PostgreSQL did not become ready" >&2; tail -n 40 "$dir/server.log" >&2; return 1; }
    sleep 0.1
  done
  echo "$port" >"$dir/port"
  export DOWNSTREAM_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=downstream;Database=postgres;Maximum Pool Size=20"
}

postgres_stop() { # postgres_stop DIR: never fails the caller
  local dir="$1" bin pid
  [ -d "$dir" ] || return 0
  bin="$(postgres_bin)"
  if [ -f "$dir/data/postmaster.pid" ]; then
    pid="$(head -n 1 "$dir/data/postmaster.pid")"
    [ -n "$bin" ] && postgres_as "'$bin/pg_ctl' -D '$dir/data' -m immediate -w -t 20 stop" >/dev/null 2>&1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
  fi
  rm -rf "$dir"
  return 0
}
