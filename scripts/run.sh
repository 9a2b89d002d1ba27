#!/usr/bin/env bash
# make run: set up what is missing, migrate, seed, start every service (services.yml) and the gateway.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"

bash scripts/ensure-infra.sh postgres
bash scripts/ensure-infra.sh rabbitmq
bash scripts/ensure-infra.sh redis
bash scripts/ensure-infra.sh ocr
while read -r name package dbenv dbname; do
  bash scripts/ensure-infra.sh createdb "$dbname"
done < <(python -m ausm_common.registry table)
if [ -z "${S3_EXTERNAL:-}" ]; then   # set S3_EXTERNAL=1 when S3_ENDPOINT points at a real MinIO
  bash scripts/ensure-infra.sh s3 "$ROOT/var/s3" "$S3_PORT"
fi

while read -r name package dbenv dbname; do
  (cd "services/$name" && alembic upgrade head)
  python -m "$package.seed" > "var/seed-$name.json"
done < <(python -m ausm_common.registry table)

start() {  # name, then the command
  local name=$1; shift
  if [ -f "var/run/$name.pid" ] && kill -0 "$(cat "var/run/$name.pid")" 2>/dev/null; then
    echo "$name already running (pid $(cat "var/run/$name.pid"))"; return
  fi
  nohup "$@" >"var/log/$name.log" 2>&1 &
  echo $! >"var/run/$name.pid"
}
if [ "${SANDBOX}" = "true" ]; then   # the payment channels' sandbox: Alipay, WeChat Pay and UnionPay, one port
  start payment-sandbox python -m payment.sandbox --port "$PAYMENT_SANDBOX_PORT" \
    --time-scale "$PAYMENT_SANDBOX_TIME_SCALE" --base-url "$PAYMENT_SANDBOX_URL"
fi
python -m ausm_common.topology >/dev/null   # consumer queues exist before anyone publishes
while read -r name package dbenv dbname; do
  start "$name" nameko run --config "services/$name/config.yml" "$package.service"
done < <(python -m ausm_common.registry table)
# gateway/gunicorn.conf.py: JSON logs, graceful stop (30 s for requests in flight), metrics of every worker
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$ROOT/var/run/prometheus-gateway}"
start gateway gunicorn -c "$ROOT/gateway/gunicorn.conf.py" -k gthread --workers "${GATEWAY_WORKERS:-2}" \
  --threads "${GATEWAY_THREADS:-16}" --bind "${HOST:-127.0.0.1}:$PORT" --chdir gateway --no-control-socket gateway.wsgi:app

for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then break; fi
  sleep 1
done
if ! curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null; then
  echo "平台未能在60秒内就绪：" >&2; curl -sS "http://127.0.0.1:$PORT/healthz" >&2 || true
  echo; echo "logs: var/log/" >&2; exit 1
fi
python scripts/print-welcome.py var/seed-identity.json
