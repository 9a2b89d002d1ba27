#!/usr/bin/env bash
# make bench: identity figures on this machine (see bench/identity_bench.py).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/ensure-infra.sh postgres
bash scripts/ensure-infra.sh rabbitmq
python bench/identity_bench.py "$@"
