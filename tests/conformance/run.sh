#!/usr/bin/env bash
# Runs the official TypeScript SDK against a fresh Downstream server on a free loopback port.
# Expects the server built in Release. Prints node's TAP output, whose last lines count pass and fail.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
server_dll="$root/src/Downstream.Server/bin/Release/net10.0/Downstream.Server.dll"

(cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT

export DOWNSTREAM_DATA_DIR="$data"
export DOWNSTREAM_ACCOUNT_ID=023e105f4ecef8ad9ca31a8372d0c353
export DOWNSTREAM_API_TOKEN="conformance-$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
export DOWNSTREAM_AUTH_EMAIL=user@example.com
export DOWNSTREAM_AUTH_KEY=144c9defac04969c7bfad8efaa8ea194
# The SDK's copy test fetches from a loopback origin.
export DOWNSTREAM_ALLOW_PRIVATE_NETWORKS=true
export Logging__LogLevel__Default=Warning
# The access log lets the tests count attempts on the server side.
export DOWNSTREAM_ACCESS_LOG=true

read_token="$(dotnet "$server_dll" tokens create --read-only --name conformance-read | sed -n 's/^token: *//p')"

ASPNETCORE_URLS="http://127.0.0.1:$port" dotnet "$server_dll" >"$data/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$data/server.log" >&2; exit 1; }
  sleep 0.1
done

cd "$here"
DOWNSTREAM_URL="http://127.0.0.1:$port" DOWNSTREAM_TOKEN="$DOWNSTREAM_API_TOKEN" DOWNSTREAM_READ_TOKEN="$read_token" \
  node --test --test-reporter=tap --test-concurrency=1 ./*.test.mjs
