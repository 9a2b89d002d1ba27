"""make bench: first figures for the identity service, measured side by side in one run.

1. Logins per second through the gateway (HTTP → gateway → RPC → identity → argon2 + PostgreSQL)
   against bare argon2 verifications per second with the same parameters, same concurrency.
2. An RPC round trip gateway→identity (the gateway's own pool) against the same call in-process.
Each figure is the median of several trials; the ratios are the point on a noisy 2-core machine.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from tests.e2e.helpers import Browser, new_person, register  # noqa: E402
from tests.support.stack import running_stack  # noqa: E402

ARGON2 = {"time_cost": int(os.environ.get("ARGON2_TIME_COST", 2)),
          "memory_cost": int(os.environ.get("ARGON2_MEMORY_COST", 19456)), "parallelism": 1}


def rate(fn, n, workers):
    start = time.perf_counter()
    if workers == 1:
        for i in range(n):
            fn(i)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(fn, range(n)))
    return n / (time.perf_counter() - start)


def bare_verifications(n, workers):
    from argon2 import PasswordHasher
    hasher = PasswordHasher(**ARGON2)
    stored = hasher.hash("Kuaiji#2025")
    return rate(lambda _: hasher.verify(stored, "Kuaiji#2025"), n, workers)


def gateway_logins(stack, login_names, n, workers):
    """Each client logs in to its own account: logins of one (account, client) are served one at a time."""
    captchas = []
    for _ in range(n):   # captchas are fetched before the clock starts: we time the login itself
        captcha = requests.post(stack.url("/api/v1/captcha"), timeout=10).json()
        captchas.append((captcha["captcha_id"], stack.captcha_answer(captcha["captcha_id"])))
    sessions = [requests.Session() for _ in range(workers)]

    def one(i):
        captcha_id, answer = captchas[i]
        response = sessions[i % workers].post(stack.url("/api/v1/sessions"), timeout=30, json={
            "login": login_names[i % workers], "password": "Kuaiji#2025", "captcha_id": captcha_id,
            "captcha_answer": answer, "transport": "bearer"})
        assert response.status_code == 200, response.text
    return rate(one, n, workers)


def rpc_round_trips(stack, n):
    from ausm_common.rpc import RpcClient
    client = RpcClient(stack.amqp_uri, timeout=10, name="bench")
    client.identity.ping()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        client.identity.ping()
        times.append(time.perf_counter() - start)
    client.close()
    return statistics.median(times)


def in_process_calls(stack, n):
    """The same `ping` entrypoint body, called in this process with the same database."""
    from nameko.testing.services import worker_factory

    from ausm_common.db import SessionFactory, make_engine
    from identity.service import IdentityService

    factory = SessionFactory(make_engine(stack.database_url, pool_size=1))
    service = worker_factory(IdentityService, db=factory)
    service.ping()
    times = []
    for _ in range(n):
        start = time.perf_counter()
        service.ping()
        times.append(time.perf_counter() - start)
    factory.engine.dispose()
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--logins", type=int, default=40)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--calls", type=int, default=300)
    args = parser.parse_args()
    env = {f"ARGON2_{k.upper()}": str(v) for k, v in ARGON2.items()}
    with running_stack(Path(tempfile.mkdtemp(prefix="bench-")), extra_env=env, gateway_threads=16) as stack:
        names = []
        for _ in range(args.workers):
            data = new_person(password="Kuaiji#2025", password_confirm="Kuaiji#2025")
            assert register(Browser(stack), data).status_code == 201
            names.append(data["id_number"])
        bare, logins, bare_seq, logins_seq, rpc, local = [], [], [], [], [], []
        for _ in range(args.trials):   # interleaved, so drift on the machine hits both sides alike
            bare.append(bare_verifications(args.logins, args.workers))
            logins.append(gateway_logins(stack, names, args.logins, args.workers))
            bare_seq.append(bare_verifications(args.logins // 2, 1))
            logins_seq.append(gateway_logins(stack, names, args.logins // 2, 1))
            rpc.append(rpc_round_trips(stack, args.calls))
            local.append(in_process_calls(stack, args.calls))
    med = statistics.median
    print(f"machine: {os.cpu_count()} cores; argon2id time_cost={ARGON2['time_cost']} "
          f"memory_cost={ARGON2['memory_cost']} KiB parallelism=1; {args.trials} trials, medians")
    print(f"logins/s through gateway, {args.workers} clients: {med(logins):8.1f}   "
          f"bare verifications/s, {args.workers} threads: {med(bare):8.1f}   ratio {med(logins) / med(bare):.2f}")
    print(f"logins/s through gateway, 1 client:  {med(logins_seq):8.1f}   "
          f"bare verifications/s, 1 thread:  {med(bare_seq):8.1f}   ratio {med(logins_seq) / med(bare_seq):.2f}")
    print(f"identity.ping RPC round trip (gateway client): {med(rpc) * 1000:7.2f} ms   "
          f"in-process: {med(local) * 1000:7.3f} ms   ratio {med(rpc) / med(local):.1f}x")
    print("runs: logins " + ", ".join(f"{x:.1f}" for x in logins) + " | bare " + ", ".join(f"{x:.1f}" for x in bare))


if __name__ == "__main__":
    main()
