#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 server on loopback for the test suite (idempotent).
# Prints nothing on success; the URL is postgresql://hemicycle:hemicycle@127.0.0.1:$PORT/hemicycle
set -euo pipefail
PORT="${HEMICYCLE_PG_PORT:-54329}"
DIR="${HEMICYCLE_PG_DIR:-/tmp/hemicycle-pg}"
BIN=/usr/lib/postgresql/15/bin
if [ ! -x "$BIN/initdb" ]; then
  echo "PostgreSQL 15 is not installed (run scripts/system-packages.sh)" >&2
  exit 1
fi
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ ! -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DIR"
  as_pg "$BIN/initdb" -D "$DIR" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_pg "$BIN/pg_ctl" -D "$DIR" status >/dev/null 2>&1; then
  as_pg "$BIN/pg_ctl" -D "$DIR" -l "$DIR/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
fi
psql_() { as_pg psql -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ "$(psql_ -c "select 1 from pg_roles where rolname='hemicycle'")" != "1" ]; then
  psql_ -c "create role hemicycle login superuser password 'hemicycle'"
fi
if [ "$(psql_ -c "select 1 from pg_database where datname='hemicycle'")" != "1" ]; then
  psql_ -c "create database hemicycle owner hemicycle"
fi
