# Shared defaults for run/test scripts; every value can be overridden from the environment.
export ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export PATH="$ROOT/.venv/bin:$PATH"
export AMQP_URI="${AMQP_URI:-pyamqp://guest:guest@127.0.0.1:5672/}"
export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}"
# One database per registered service (services/common/ausm_common/services.yml): <NAME>_DATABASE_URL.
export AUSM_SERVICES="$(sed -n 's/^ *- *{name: *\([a-z_]*\),.*/\1/p' "$ROOT/services/common/ausm_common/services.yml" | xargs)"
for _name in $AUSM_SERVICES; do
  _var="$(echo "$_name" | tr '[:lower:]' '[:upper:]')_DATABASE_URL"
  export "$_var=${!_var:-postgresql+psycopg2://$PGUSER@$PGHOST:$PGPORT/ausm_$_name}"
done
unset _name _var
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export S3_PORT="${S3_PORT:-9000}"
export S3_ENDPOINT="${S3_ENDPOINT:-127.0.0.1:$S3_PORT}"
export S3_ACCESS_KEY="${S3_ACCESS_KEY:-S3RVER}" S3_SECRET_KEY="${S3_SECRET_KEY:-S3RVER}"
export S3_BUCKET="${S3_BUCKET:-ausm}"
export PORT="${PORT:-8000}"
# The payment channels' sandbox (python -m payment.sandbox) and where the channels send notifications.
export PAYMENT_SANDBOX_PORT="${PAYMENT_SANDBOX_PORT:-8790}"
export PAYMENT_SANDBOX_URL="${PAYMENT_SANDBOX_URL:-http://127.0.0.1:$PAYMENT_SANDBOX_PORT}"
export PAYMENT_NOTIFY_BASE_URL="${PAYMENT_NOTIFY_BASE_URL:-http://127.0.0.1:$PORT}"
# The sandbox resends unacknowledged notifications on each channel's schedule, this many times faster.
export PAYMENT_SANDBOX_TIME_SCALE="${PAYMENT_SANDBOX_TIME_SCALE:-60}"
export SANDBOX="${SANDBOX:-true}"
# Sandbox mode only: webhooks may go to internal addresses (a receiver on 127.0.0.1); never in production.
if [ "$SANDBOX" = true ]; then export WEBHOOK_ALLOW_PRIVATE="${WEBHOOK_ALLOW_PRIVATE:-true}"; fi
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore::DeprecationWarning}"
mkdir -p "$ROOT/var/run" "$ROOT/var/log"
