#!/usr/bin/env bash
# make bench: identity and payment figures on this machine (see bench/identity_bench.py, bench/payment_bench.py).
# Arguments go to both (e.g. --trials 3).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/ensure-infra.sh postgres
bash scripts/ensure-infra.sh rabbitmq
bash scripts/ensure-infra.sh redis
python bench/identity_bench.py "$@"
python bench/payment_bench.py "$@"
