#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL on loopback, exported as DESKBOT_TEST_POSTGRES_URL.
# Without PostgreSQL the command runs anyway (its PostgreSQL tests skip) — except in CI
# (CI=true), where a missing server is a failure: CI must prove both backends.
set -euo pipefail

find_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
  return 1
}

bin=$(find_bin || true)
if [ -z "$bin" ] && [ "${CI:-}" = "true" ] && [ "$(id -u)" = 0 ]; then
  echo "with_postgres: installing PostgreSQL (CI)" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) || true
  bin=$(find_bin || true)
fi
if [ -z "$bin" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "with_postgres: PostgreSQL is required in CI but is not installed" >&2
    exit 1
  fi
  echo "with_postgres: no PostgreSQL here; its tests will be skipped" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/deskbot-pg.XXXXXX)
port=${DESKBOT_TEST_PG_PORT:-$((55000 + RANDOM % 2000))}
as_pg=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_pg=(runuser -u postgres --)
fi
mkdir -p "$dir/sock" && { [ ${#as_pg[@]} -eq 0 ] || chown postgres "$dir/sock"; }
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust >/dev/null
"${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
export DESKBOT_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
echo "with_postgres: PostgreSQL on 127.0.0.1:$port" >&2
"$@"
