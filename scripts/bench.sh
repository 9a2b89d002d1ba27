#!/usr/bin/env bash
# make bench: the platform's figures on this machine, each measured side by side with its bare counterpart:
#   bench/identity_bench.py  logins through the gateway vs bare argon2; identity.ping vs in-process
#   bench/rpc_bench.py       the RPC call path vs raw kombu request/reply; reference reads vs bare Flask
#   bench/payment_bench.py   payment notifications verified and applied vs bare signature verifications
#   bench/exam_bench.py      the province table through the gateway vs bare Flask; last seats under contention
#   bench/waiting_room_bench.py  the sustainable rate, then 10x that many arrivals through the waiting room (locust)
# Run one alone with its options: python bench/rpc_bench.py --help
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
bash scripts/ensure-infra.sh postgres
bash scripts/ensure-infra.sh rabbitmq
bash scripts/ensure-infra.sh redis
bash scripts/ensure-infra.sh wrk
python bench/identity_bench.py
echo
python bench/rpc_bench.py
echo
python bench/payment_bench.py
echo
python bench/exam_bench.py
echo
python bench/waiting_room_bench.py
