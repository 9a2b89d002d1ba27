#!/usr/bin/env bash
# make run: set up what is missing, migrate, seed, start identity and the gateway, print how to use it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

bash scripts/ensure-infra.sh postgres
bash scripts/ensure-infra.sh rabbitmq
bash scripts/ensure-infra.sh createdb ausm_identity
bash scripts/ensure-infra.sh createdb ausm_profile
if [ -z "${S3_EXTERNAL:-}" ]; then   # set S3_EXTERNAL=1 when S3_ENDPOINT points at a real MinIO
  bash scripts/ensure-infra.sh s3 "$ROOT/var/s3" "$S3_PORT"
fi

(cd services/identity && alembic upgrade head)
(cd services/profile && alembic upgrade head)
python -m identity.seed > var/seed.json
python -m profiles.seed > var/seed-profile.json

start() {  # name, then the command
  local name=$1; shift
  if [ -f "var/run/$name.pid" ] && kill -0 "$(cat "var/run/$name.pid")" 2>/dev/null; then
    echo "$name already running (pid $(cat "var/run/$name.pid"))"; return
  fi
  nohup "$@" >"var/log/$name.log" 2>&1 &
  echo $! >"var/run/$name.pid"
}
start identity nameko run --config services/identity/config.yml identity.service
start profile nameko run --config services/profile/config.yml profiles.service
start gateway gunicorn -k gthread --workers "${GATEWAY_WORKERS:-2}" --threads "${GATEWAY_THREADS:-16}" \
  --bind "${HOST:-127.0.0.1}:$PORT" --chdir gateway --access-logfile - gateway.wsgi:app

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 1
done
if ! curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null; then
  echo "平台未能在60秒内就绪：" >&2; curl -sS "http://127.0.0.1:$PORT/healthz" >&2 || true
  echo; echo "logs: var/log/identity.log var/log/gateway.log" >&2; exit 1
fi
python scripts/print-welcome.py var/seed.json
