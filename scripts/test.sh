#!/usr/bin/env bash
# make test: every tier, preparing what it needs. Tiers run as separate pytest processes
# because the integration tier monkey-patches with eventlet and the browser tier must not.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
tier=${1:-all}
export SANDBOX=true

run_unit() { bash scripts/ensure-infra.sh ocr; pytest -q tests/unit; }
run_integration() {
  bash scripts/ensure-infra.sh postgres
  bash scripts/ensure-infra.sh rabbitmq
  bash scripts/ensure-infra.sh redis
  bash scripts/ensure-infra.sh ocr
  pytest -q -p no:cacheprovider tests/integration
}
run_e2e() {
  bash scripts/ensure-infra.sh postgres
  bash scripts/ensure-infra.sh rabbitmq
  bash scripts/ensure-infra.sh redis
  bash scripts/ensure-infra.sh chromium
  bash scripts/ensure-infra.sh ocr
  pytest -q -p no:cacheprovider tests/e2e
}
run_fuzz() {   # a longer schemathesis campaign than the one in the e2e tier: more examples, same checks
  bash scripts/ensure-infra.sh postgres
  bash scripts/ensure-infra.sh rabbitmq
  FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-300}" pytest -q -p no:cacheprovider tests/e2e/test_fuzz.py
}
case "$tier" in
  unit) run_unit ;;
  integration) run_integration ;;
  e2e) run_e2e ;;
  fuzz) run_fuzz ;;
  all) run_unit; run_integration; run_e2e ;;
  *) echo "usage: test.sh unit|integration|e2e|fuzz|all" >&2; exit 2 ;;
esac
