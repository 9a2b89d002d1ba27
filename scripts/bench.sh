#!/usr/bin/env bash
# make bench: identity and exam figures on this machine (see bench/identity_bench.py, bench/exam_bench.py).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/ensure-infra.sh postgres
bash scripts/ensure-infra.sh rabbitmq
python bench/identity_bench.py "$@"
bash scripts/ensure-infra.sh redis
python bench/exam_bench.py
