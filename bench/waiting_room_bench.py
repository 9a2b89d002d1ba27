"""make bench: the waiting room under the opening-hour burst, with locust (tests/load/waiting_room.py) against a
whole platform of its own (every service, the gateway, WAITING_ROOM_ENABLED).

The journey (`--journey login`, the default) is what a candidate does in the first minutes: the exam list, the
province table, sign-in (captcha image, password checked with argon2 at the deployed cost), 我的报名 (an
authenticated call to exam) and the chosen province. Sign-in is what costs: the cached reads are next to free (see
exam_bench.py). `--journey reads` keeps only the three reads, with the gateway's cache off
(REFERENCE_CACHE_SECONDS=0) so each reaches the exam service: a cheap journey, where the room's own answers
weigh as much as the admitted work.

Per trial:
1. The sustainable rate: the room lets everyone in; closed-loop locust users (each journey a new candidate) at a
   few concurrencies; the platform's capacity C is the most journeys per second at which p99 stays under 1 s.
2. The room is set to admit R = headroom × C candidates per second (burst R), through the running platform's
   Redis override (`<namespace>:waiting-room:config`), and candidates arrive at 10 × R per second for a few
   seconds (locust's spawn rate), each waiting as told (503 + Retry-After) until admitted, then walking the
   journey. Reported: p99 (and p50) of the admitted candidates' requests (target < 1 s), 5xx other than the
   room's own 503 (target 0), candidates admitted (all), order violations (target 0: a candidate told to wait
   after a later ticket had been admitted), the longest wait and the polls it cost.
The headroom leaves the room's own work (a ticket per arrival, the polls) room on the same machine.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import requests  # noqa: E402

from ausm_common.config import redis_url  # noqa: E402
from tests.e2e.helpers import Browser, new_person, register  # noqa: E402
from tests.support.people import PASSWORD  # noqa: E402
from tests.support.stack import running_stack  # noqa: E402

LOCUSTFILE = ROOT / "tests" / "load" / "waiting_room.py"
SLO_SECONDS = 1.0


def percentile(values, q):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q / 100 * len(ordered)) - 1)]


def run_locust(stack, env: dict, users: int, spawn_rate: float, seconds: float, out: Path) -> dict:
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--only-summary",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{int(math.ceil(seconds))}s", "--stop-timeout", "0",
               "--host", stack.base_url, "--loglevel", "ERROR", "--skip-log-setup"]
    subprocess.run(command, cwd=ROOT, env={**os.environ, **env, "WR_OUT": str(out)}, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 120)
    return json.loads(out.read_text())


class Room:
    def __init__(self, stack):
        self.redis = redis.Redis.from_url(redis_url())
        prefix = f"{stack.env['CLOCK_NAMESPACE']}:waiting-room"
        self.state, self.config = f"{prefix}:state", f"{prefix}:config"

    def set(self, rate: float, burst: float):
        self.redis.hset(self.config, mapping={"rate": rate, "burst": burst})
        self.redis.delete(self.state)        # a new line: earlier tickets are void


def accounts(stack, count: int) -> list[str]:
    """Registered candidates (their ID numbers, the login name)."""
    def one(_):
        person = new_person()
        answer = register(Browser(stack), person)
        assert answer.status_code in (200, 201), answer.text
        return person["id_number"]
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


def capacity(stack, room: Room, base_env: dict, levels, seconds: float, work: Path) -> dict:
    room.set(10 ** 6, 10 ** 6)
    best = {"journeys_s": 0.0, "users": 0, "p99": 0.0}
    for users in levels:
        result = run_locust(stack, {**base_env, "WR_MODE": "capacity"}, users, users, seconds,
                            work / f"capacity-{users}.json")
        journeys = [c for c in result["candidates"] if "end" in c]
        if not journeys:
            continue
        span = max(c["end"] for c in journeys) - min(c["start"] for c in journeys)
        latencies = [x for c in journeys for x in c["latencies"]]
        errors = sum(1 for c in journeys for s in c["statuses"] if s >= 400 or s == 0)
        rate, p99 = len(journeys) / span, percentile(latencies, 99)
        print(f"  capacity at {users:>2} users: {rate:6.1f} journeys/s, p99 {p99 * 1000:5.0f} ms, {errors} errors")
        if p99 < SLO_SECONDS and not errors and rate > best["journeys_s"]:
            best = {"journeys_s": rate, "users": users, "p99": p99}
    return best


def order_violations(candidates) -> int:
    """Candidates told to wait (their last 503 sent) after a later ticket's admission had been received: the
    counter had already passed them, so the room would have broken the order. Exact, no slack: the server
    answered that 503 after it was sent, and admitted the later ticket before its answer arrived."""
    done = sorted((c for c in candidates if c.get("ticket") is not None and "admitted" in c),
                  key=lambda c: c["ticket"])
    violations, earliest_later = 0, float("inf")
    for c in reversed(done):
        if c["last_wait_sent"] is not None and c["last_wait_sent"] > earliest_later:
            violations += 1
        earliest_later = min(earliest_later, c["admitted"])
    return violations


def overload(stack, room: Room, base_env: dict, rate: float, factor: float, seconds: float, work: Path) -> dict:
    room.set(rate, max(1.0, rate))
    arrivals = factor * rate
    users = int(math.ceil(arrivals * seconds))
    drain = users / rate
    result = run_locust(stack, {**base_env, "WR_MODE": "arrivals", "WR_USERS": str(users)}, users, arrivals,
                        seconds + drain * 1.5 + 30, work / "overload.json")
    candidates = result["candidates"]
    admitted = [c for c in candidates if "done" in c]
    latencies = [x for c in admitted for x in c["latencies"]]
    statuses = [s for c in candidates for s in c["statuses"]]
    tickets = sorted(c["ticket"] for c in admitted if c.get("ticket") is not None)
    waited = [c for c in admitted if c["polls"]]
    return {
        "arrivals_s": arrivals, "rate": rate,
        "arrived_s": len(candidates) / max(1e-9, max(c["arrived"] for c in candidates) -
                                           min(c["arrived"] for c in candidates)) if candidates else 0.0,
        "candidates": users, "admitted": len(admitted),
        "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
        "wait_p99": percentile([x for c in candidates for x in c["wait_latencies"]], 99),
        "server_errors": sum(1 for s in statuses if s != "room" and s >= 500),   # the room's 503 excepted
        "client_errors": sum(1 for s in statuses if s != "room" and 400 <= s < 500),
        "connection_errors": statuses.count(0),
        "waited": len(waited), "violations": order_violations(candidates),
        "distinct_tickets": len(set(tickets)) == len(tickets),
        "longest_wait": max((c["admitted"] - c["arrived"] for c in admitted), default=0.0),
        "polls": sum(c["polls"] for c in candidates),
        "admitted_per_s": len(admitted) / max(1e-9, max(c["admitted"] for c in admitted) -
                                              min(c["arrived"] for c in admitted)) if admitted else 0.0,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--levels", default="4,8,16,32", help="closed-loop concurrencies for the capacity")
    parser.add_argument("--level-seconds", type=float, default=6)
    parser.add_argument("--headroom", type=float, default=0.6, help="admission rate = headroom × capacity")
    parser.add_argument("--factor", type=float, default=10, help="arrivals per second = factor × admission rate")
    parser.add_argument("--arrival-seconds", type=float, default=3)
    parser.add_argument("--gateway-threads", type=int, default=16)
    parser.add_argument("--journey", choices=("login", "reads"), default="login")
    parser.add_argument("--accounts", type=int, default=20, help="candidates' accounts, shared round robin")
    args = parser.parse_args()
    levels = [int(x) for x in args.levels.split(",")]
    env = {"WAITING_ROOM_ENABLED": "true", "WAITING_ROOM_RATE": "1000000", "WAITING_ROOM_BURST": "1000000",
           "WAITING_ROOM_COOKIE_TTL": "600", "ARGON2_TIME_COST": "2", "ARGON2_MEMORY_COST": "19456"}
    if args.journey == "reads":
        env["REFERENCE_CACHE_SECONDS"] = "0"
    work = Path(tempfile.mkdtemp(prefix="waiting-room-bench-"))
    (work / "logs").mkdir()
    with running_stack(work / "logs", extra_env=env, gateway_threads=args.gateway_threads) as stack:
        room = Room(stack)
        room.set(10 ** 6, 10 ** 6)
        exam_id = requests.get(stack.url("/api/v1/exams"), timeout=30).json()[0]["id"]
        base_env = {"WR_EXAM_ID": exam_id, "WR_REGION": "330000", "WR_JOURNEY": args.journey}
        if args.journey == "login":
            base_env.update(WR_ACCOUNTS=",".join(accounts(stack, args.accounts)), WR_PASSWORD=PASSWORD)
        trials = []
        for trial in range(args.trials):
            print(f"waiting room, trial {trial + 1}/{args.trials}")
            best = capacity(stack, room, base_env, levels, args.level_seconds, work)
            rate = round(max(1.0, args.headroom * best["journeys_s"]), 1)
            result = overload(stack, room, base_env, rate, args.factor, args.arrival_seconds, work)
            result["capacity"] = best["journeys_s"]
            trials.append(result)
            print(f"  admitting {rate}/s; {result['arrivals_s']:.0f} arrivals/s for {args.arrival_seconds:g} s: "
                  f"{result['admitted']}/{result['candidates']} admitted ({result['waited']} waited, longest "
                  f"{result['longest_wait']:.1f} s, {result['polls']} polls; arrived at {result['arrived_s']:.0f}/s), "
                  f"admitted requests p50 "
                  f"{result['p50'] * 1000:.0f} ms p99 {result['p99'] * 1000:.0f} ms, waiting answers p99 "
                  f"{result['wait_p99'] * 1000:.0f} ms, 5xx {result['server_errors']}, connection errors "
                  f"{result['connection_errors']}, 4xx {result['client_errors']}, order violations "
                  f"{result['violations']}")
    med = {key: statistics.median(t[key] for t in trials)
           for key in ("capacity", "rate", "arrivals_s", "arrived_s", "p50", "p99", "wait_p99", "longest_wait")}
    print(f"waiting room (median of {len(trials)}): sustainable {med['capacity']:.1f} journeys/s (p99 < 1 s); "
          f"admitting {med['rate']:.1f}/s with {med['arrivals_s']:.0f} arrivals/s (×{args.factor:g}; locust reached "
          f"{med['arrived_s']:.0f}/s): admitted "
          f"requests p50 {med['p50'] * 1000:.0f} ms, p99 {med['p99'] * 1000:.0f} ms (target < 1000); waiting "
          f"answers p99 {med['wait_p99'] * 1000:.0f} ms; longest wait {med['longest_wait']:.1f} s; "
          f"5xx {sum(t['server_errors'] for t in trials)}, connection errors "
          f"{sum(t['connection_errors'] for t in trials)}, not admitted "
          f"{sum(t['candidates'] - t['admitted'] for t in trials)}, order violations "
          f"{sum(t['violations'] for t in trials)} (targets 0)")
    failed = [t for t in trials if t["server_errors"] or t["connection_errors"] or t["client_errors"]
              or t["violations"] or t["admitted"] != t["candidates"] or not t["distinct_tickets"]]
    if failed:
        sys.exit("waiting room: errors, lost candidates or admissions out of order (see above)")
    if med["p99"] >= SLO_SECONDS:
        sys.exit("waiting room: p99 of admitted requests not under 1 s")


if __name__ == "__main__":
    main()
