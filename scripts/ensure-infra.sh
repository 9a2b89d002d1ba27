#!/usr/bin/env bash
# Start, or install and start, what the platform needs on this machine:
#   ensure-infra.sh postgres | rabbitmq | redis | createdb NAME | s3 DIR PORT | chromium | wrk | ocr
# Idempotent: a running service is left alone. Installs use Debian packages (apt-get as root).
set -euo pipefail
source "$(dirname "$0")/env.sh"

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() {  # host port seconds what
  for _ in $(seq 1 "$3"); do port_open "$1" "$2" && return 0; sleep 1; done
  echo "$4 did not open $1:$2 within $3 s" >&2; return 1
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_updated=
apt_install() {
  echo "installing $* (Debian packages)…" >&2
  [ -n "$apt_updated" ] || { as_root apt-get update -qq; apt_updated=1; }
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

postgres() {
  port_open "$PGHOST" "$PGPORT" && return 0
  if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql postgresql-client; fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  local hba="/etc/postgresql/$version/main/pg_hba.conf"
  # Local development and CI connect over loopback without a password (as the machines here do).
  if ! as_root grep -q "^host all all 127.0.0.1/32 trust" "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
  fi
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null \
    || as_root pg_ctlcluster --skip-systemctl-redirect "$version" main restart
  wait_port "$PGHOST" "$PGPORT" 30 PostgreSQL
}

rabbitmq() {
  port_open 127.0.0.1 5672 && return 0
  if ! command -v rabbitmq-server >/dev/null; then apt_install rabbitmq-server; fi
  as_root rabbitmq-server -detached
  wait_port 127.0.0.1 5672 90 RabbitMQ
}

redis() {
  port_open 127.0.0.1 6379 && return 0
  if ! command -v redis-server >/dev/null; then apt_install redis-server; fi
  as_root redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --logfile /tmp/ausm-redis.log
  wait_port 127.0.0.1 6379 30 Redis
}

createdb_if_missing() {
  local name=$1
  if [ "$(psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]; then
    createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$name"
    echo "created database $name" >&2
  fi
}

s3() {  # a file-backed S3 server (s3rver) on loopback; objects live in DIR and survive restarts
  local dir=$1 port=$2
  port_open 127.0.0.1 "$port" && return 0
  if ! command -v npm >/dev/null; then apt_install nodejs npm; fi
  if [ ! -x "$ROOT/tools/s3/node_modules/.bin/s3rver" ]; then
    (cd "$ROOT/tools/s3" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
  mkdir -p "$dir"
  nohup node "$ROOT/tools/s3/node_modules/.bin/s3rver" -d "$dir" -a 127.0.0.1 -p "$port" -s \
    >"$ROOT/var/log/s3.log" 2>&1 &
  echo $! >"$ROOT/var/run/s3.pid"
  wait_port 127.0.0.1 "$port" 30 "S3 server (s3rver)"
}

chromium() {
  if type -P chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then return 0; fi
  apt_install chromium fonts-noto-cjk
}

wrk() {  # the HTTP load generator of make bench
  type -P wrk >/dev/null || apt_install wrk   # type -P: the program, not this function of the same name
}

ocr() {  # Tesseract reads the number on an ID photo (identity/ocr.py); DejaVu draws the tests' synthetic card
  if command -v tesseract >/dev/null && [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then return 0; fi
  apt_install tesseract-ocr tesseract-ocr-eng fonts-dejavu-core
}

case "${1:-}" in
  postgres) postgres ;;
  rabbitmq) rabbitmq ;;
  redis) redis ;;
  createdb) createdb_if_missing "$2" ;;
  s3) s3 "$2" "$3" ;;
  chromium) chromium ;;
  wrk) wrk ;;
  ocr) ocr ;;
  *) echo "usage: $0 postgres|rabbitmq|redis|createdb NAME|s3 DIR PORT|chromium|wrk|ocr" >&2; exit 2 ;;
esac
