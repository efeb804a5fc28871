#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server (Debian's package) for the scale-out tests and prints
# the SQLAlchemy URL to use. Installs the package when it is missing (as root).
set -euo pipefail
port=${STORYMAP_PG_PORT:-54329}
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
dir=$(mktemp -d /tmp/storymap-pg.XXXXXX)
chown postgres "$dir"
runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -o "-p $port -k $dir -c listen_addresses=''" \
  -l "$dir/log" -w start >/dev/null
runuser -u postgres -- "$bin/createdb" -h "$dir" -p "$port" storymap
echo "postgresql+psycopg://postgres@/storymap?host=$dir&port=$port"
