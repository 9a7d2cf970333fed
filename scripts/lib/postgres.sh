# PostgreSQL for tests, CI, benchmarks and by hand: a throwaway server in a folder of its own, listening on
# 127.0.0.1 only, run as a non-root user, durability off for speed. Source it (after ensure-tools.sh), then:
#
#   ensure_postgres              # apt-installs Debian's postgresql when initdb/pg_ctl are missing
#   postgres_start DIR           # initdb + start; exports the variables below; returns non-zero on failure
#   postgres_create_db NAME      # a fresh empty database owned by the test role; prints its connection string
#   postgres_stop DIR            # stops that server by its own PID and removes DIR; never fails the caller
#
# Exported by postgres_start:
#   DOWNSTREAM_TEST_POSTGRES           Npgsql connection string of the test role (LOGIN CREATEDB, password auth)
#                                      to its database "downstream"; tests make their own databases with
#                                      CREATE DATABASE through it (see tests/Downstream.Server.Tests/Support/Backends.cs)
#   DOWNSTREAM_TEST_POSTGRES_ADMIN     the same for the superuser "postgres" (database "postgres")
#   DOWNSTREAM_TEST_POSTGRES_PORT      the TCP port on 127.0.0.1
#   DOWNSTREAM_TEST_POSTGRES_PID_FILE  DIR/data/postmaster.pid (first line: the postmaster's PID)
#
# As root, the server runs as the system user downstream-pg (made on first use). When that user cannot
# enter DIR (say DIR is inside a 0700 mktemp -d), the server's own files go to /tmp/downstream-pg.XXXXXX,
# named in DIR/workdir and removed by postgres_stop with DIR.
# Settings: DOWNSTREAM_PG_MAX_CONNECTIONS (200), DOWNSTREAM_PG_OS_USER (downstream-pg).

_ds_free_port() { # a TCP port free on 127.0.0.1 right now (another process may still take it: callers retry)
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

_ds_alive() { # _ds_alive PID: running (a zombie waiting for a slow reaper does not count)
  local state
  state="$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)"
  [ -n "$state" ] && [ "$state" != Z ]
}

postgres_bin() { # the folder holding initdb, pg_ctl, postgres, pg_isready and psql (newest major version)
  local dir found
  for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r); do
    [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  done
  # Elsewhere (symlinks in /usr/local/bin, other distributions): wherever initdb on PATH really lives.
  found="$(command -v initdb 2>/dev/null)" || return 1
  dir="$(dirname "$(readlink -f "$found")")"
  [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ] && { echo "$dir"; return 0; }
  return 1
}

_pg_tool() { # _pg_tool NAME: NAME from the server's folder, else from PATH (psql, pg_isready)
  local bin
  bin="$(postgres_bin 2>/dev/null)"
  if [ -n "$bin" ] && [ -x "$bin/$1" ]; then echo "$bin/$1"; else command -v "$1"; fi
}

ensure_postgres() {
  if ! postgres_bin >/dev/null || [ -z "$(_pg_tool psql)" ] || [ -z "$(_pg_tool pg_isready)" ]; then
    echo "Installing PostgreSQL..." >&2
    apt_install initdb postgresql
  fi
  postgres_bin >/dev/null || { echo "error: PostgreSQL is installed but initdb/pg_ctl were not found" >&2; return 1; }
}

_pg_os_user() { echo "${DOWNSTREAM_PG_OS_USER:-downstream-pg}"; }

_pg_as() { # _pg_as USER COMMAND ARGS...: as USER when we are root, else as ourselves
  # From /, which every user may enter (the caller's folder may be closed to the server's user).
  if [ "$(id -u)" -eq 0 ]; then
    (cd / && runuser -u "$1" -- "${@:2}")
  else
    (cd / && "${@:2}")
  fi
}

_pg_safe_dir() { # refuses empty, relative-to-nothing or root folders before anything is removed
  case "$1" in "" | "/" | "//" | "/tmp" | "/tmp/" | "$HOME" | "$HOME/") return 1 ;; esac
  return 0
}

_pg_work() { # _pg_work DIR: the folder with data/, server.log and the socket: DIR, or the one DIR/workdir names
  local work
  work="$(cat "$1/workdir" 2>/dev/null)"
  case "$work" in /tmp/downstream-pg.?*) [ -d "$work" ] && { echo "$work"; return 0; } ;; esac
  echo "$1"
}

_pg_log_tail() { # _pg_log_tail DIR
  local log
  log="$(_pg_work "$1")/server.log"
  echo "--- last lines of $log:" >&2
  tail -n 30 "$log" >&2 2>/dev/null
}

postgres_start() { # postgres_start DIR
  # Whatever fails, nothing is left running and DIR is removed (the log tails are printed first).
  _postgres_start "$@" && return 0
  postgres_stop "${1:-}"
  return 1
}

_postgres_start() {
  local dir="${1:-}" bin user port socket_dir attempt deadline psql work
  _pg_safe_dir "$dir" || { echo "error: postgres_start needs a folder of its own (got '$dir')" >&2; return 1; }
  dir="$(realpath -m "$dir")"
  bin="$(postgres_bin)" || { echo "error: PostgreSQL is not installed (run ensure_postgres)" >&2; return 1; }
  psql="$(_pg_tool psql)"
  postgres_stop "$dir" # a leftover from a crashed run
  mkdir -p "$dir" || return 1
  user="$(id -un)"
  work="$dir"
  if [ "$(id -u)" -eq 0 ]; then
    user="$(_pg_os_user)"
    if ! id "$user" >/dev/null 2>&1; then
      useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$user" \
        || { echo "error: could not create the system user $user" >&2; return 1; }
    fi
    chown "$user" "$dir" || return 1
    if ! runuser -u "$user" -- test -w "$dir"; then
      # DIR lies behind a folder the server's user may not enter (a mktemp -d is 0700): the server's files
      # go to a folder of their own in /tmp instead, named in DIR/workdir and removed with DIR.
      work="$(mktemp -d /tmp/downstream-pg.XXXXXX)" || return 1
      chown "$user" "$work" || return 1
      echo "$work" >"$dir/workdir"
    fi
  fi

  # Test passwords only: the server listens on 127.0.0.1 and is thrown away with DIR.
  printf '%s\n' "postgres-test" >"$work/superuser.pw"
  chown "$user" "$work/superuser.pw" 2>/dev/null
  if ! _pg_as "$user" "$bin/initdb" -D "$work/data" -U postgres --pwfile="$work/superuser.pw" \
    --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1; then
    echo "error: initdb failed" >&2
    tail -n 30 "$dir/initdb.log" >&2
    return 1
  fi
  rm -f "$work/superuser.pw"
  # Loopback only, password (SCRAM) on TCP, trust on the socket inside DIR.
  printf '%s\n' "local all all trust" "host all all 127.0.0.1/32 scram-sha-256" >"$work/data/pg_hba.conf"

  for attempt in 1 2 3; do
    port="$(_ds_free_port)" || return 1
    # A unix socket path may be at most 107 bytes: inside DIR when it fits, else none (TCP only).
    socket_dir="$work"
    [ ${#socket_dir} -gt 90 ] && socket_dir=""
    # Durability is not under test here: speed is.
    if ! _pg_as "$user" "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -W -s -o \
      "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='$socket_dir' \
       -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
       -c max_connections=${DOWNSTREAM_PG_MAX_CONNECTIONS:-200} -c shared_buffers=128MB \
       -c max_wal_size=1GB -c checkpoint_timeout=30min" start >>"$dir/pg_ctl.log" 2>&1; then
      echo "error: pg_ctl start failed" >&2
      tail -n 10 "$dir/pg_ctl.log" >&2
      _pg_log_tail "$dir"
      return 1
    fi
    deadline=$((SECONDS + 60))
    while ! "$(_pg_tool pg_isready)" -q -h 127.0.0.1 -p "$port" -t 1; do
      # No postmaster 5 s on (port taken meanwhile, a bad setting): no point in waiting longer.
      if [ $SECONDS -gt $((deadline - 55)) ] && ! _pg_running "$dir"; then break; fi
      if [ $SECONDS -ge $deadline ]; then
        echo "error: PostgreSQL did not answer on 127.0.0.1:$port within 60 s" >&2
        _pg_log_tail "$dir"
        return 1
      fi
      sleep 0.05
    done
    if "$(_pg_tool pg_isready)" -q -h 127.0.0.1 -p "$port" -t 1; then break; fi
    if grep -q "could not bind\|could not create any TCP/IP sockets" "$work/server.log" 2>/dev/null && [ $attempt -lt 3 ]; then
      echo "note: port $port was taken meanwhile; trying another" >&2
      rm -f "$work/server.log"
      continue
    fi
    echo "error: PostgreSQL stopped while starting" >&2
    _pg_log_tail "$dir"
    return 1
  done

  echo "$port" >"$dir/port"
  if ! PGPASSWORD=postgres-test PGCONNECT_TIMEOUT=10 "$psql" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE ROLE downstream LOGIN CREATEDB PASSWORD 'downstream'" \
    -c "CREATE DATABASE downstream OWNER downstream" >>"$dir/setup.log" 2>&1; then
    echo "error: could not create the role and database" >&2
    cat "$dir/setup.log" >&2
    _pg_log_tail "$dir"
    return 1
  fi
  export DOWNSTREAM_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=downstream;Password=downstream;Database=downstream;Maximum Pool Size=20"
  export DOWNSTREAM_TEST_POSTGRES_ADMIN="Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres-test;Database=postgres"
  export DOWNSTREAM_TEST_POSTGRES_PORT="$port"
  export DOWNSTREAM_TEST_POSTGRES_PID_FILE="$work/data/postmaster.pid"
  return 0
}

postgres_create_db() { # postgres_create_db NAME: prints the new database's connection string
  local name="${1:-}" port="${DOWNSTREAM_TEST_POSTGRES_PORT:-}"
  [ -n "$port" ] || { echo "error: postgres_create_db: no server (run postgres_start first)" >&2; return 1; }
  [[ "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || { echo "error: postgres_create_db: '$name' is not a plain lower-case name" >&2; return 1; }
  # FILE_COPY copies the tiny template folder at once (with fsync off, its checkpoint costs nothing);
  # WAL_LOG, the default since 15, writes every page to the WAL.
  PGPASSWORD=postgres-test PGCONNECT_TIMEOUT=10 "$(_pg_tool psql)" -X -q -v ON_ERROR_STOP=1 \
    -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE $name OWNER downstream STRATEGY FILE_COPY" >/dev/null || return 1
  echo "Host=127.0.0.1;Port=$port;Username=downstream;Password=downstream;Database=$name;Maximum Pool Size=20"
}

_pg_pid() { # _pg_pid DIR: the postmaster's PID when it is alive and really serves DIR/data
  local data pid
  data="$(_pg_work "$1")/data"
  [ -f "$data/postmaster.pid" ] || return 1
  pid="$(head -n 1 "$data/postmaster.pid" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  # After a reboot or a crash the PID may belong to someone else: check it runs on this data folder.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$data" || return 1
  echo "$pid"
}

_pg_running() { _pg_pid "$1" >/dev/null; }

postgres_stop() { # postgres_stop DIR: never fails the caller
  local dir="${1:-}" pid deadline work
  _pg_safe_dir "$dir" || return 0
  dir="$(realpath -m "$dir")"
  [ -d "$dir" ] || return 0
  work="$(_pg_work "$dir")"
  if pid="$(_pg_pid "$dir")"; then
    # What pg_ctl stop -m immediate does (SIGQUIT), by the PID we checked, then SIGKILL if it lingers.
    kill -QUIT "$pid" 2>/dev/null
    deadline=$((SECONDS + 10))
    while _ds_alive "$pid" && [ $SECONDS -lt $deadline ]; do sleep 0.05; done
    _ds_alive "$pid" && kill -9 "$pid" 2>/dev/null
    # Its children leave by themselves as soon as they see the postmaster gone.
  fi
  [ "$work" != "$dir" ] && rm -rf "$work" 2>/dev/null
  rm -rf "$dir" 2>/dev/null
  return 0
}
