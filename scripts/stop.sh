#!/usr/bin/env bash
# make stop: stop what make run started (not the system's PostgreSQL or RabbitMQ).
set -uo pipefail
source "$(dirname "$0")/env.sh"
for name in gateway $(python -m ausm_common.registry names) payment-sandbox s3; do
  pidfile="$ROOT/var/run/$name.pid"
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null
    # SIGTERM: services finish in-flight workers, gunicorn in-flight requests (30 s); then SIGKILL
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
    echo "stopped $name"
  fi
  rm -f "$pidfile"
done
