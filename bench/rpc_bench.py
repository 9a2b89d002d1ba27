"""make bench: the call path and reference reads, each measured side by side with its bare counterpart in one run.

1. RPC round trips per second, `SELECT 1` on the service's database:
   raw   = a plain kombu request/reply (bench/raw_responder.py: kombu + psycopg2, no nameko) on the same broker
           and database; one connection and reply queue per calling thread;
   kit   = the kit's RpcClient → `profile.ping` (nameko service, `nameko run`), the calling threads sharing one
           client as the gateway's threads do.
   Both one call at a time and with 16 concurrent callers.
2. `GET /api/v1/departments` per second at 16 connections (wrk): through the gateway (gunicorn gthread) against a
   bare Flask app serving the same bytes with the same gunicorn settings (bench/bare_app.py).
Each round measures the two sides of a figure in the order A B B A (half the time each slice), so load that comes
and goes on this shared machine hits both sides alike; a round's ratio is its B total over its A total. The figures
are the medians over rounds of each side's rate and of the round ratios.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import warnings
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from kombu import Connection, Consumer, Producer, Queue  # noqa: E402

from tests.support import infra  # noqa: E402
from tests.support.stack import running_stack  # noqa: E402

CONCURRENT = 16
GUNICORN_THREADS = 16


# --- 1. RPC ---------------------------------------------------------------------------------------------------
class RawClient:
    """A plain kombu request/reply caller: its own connection, exclusive reply queue, correlation ids."""

    def __init__(self, amqp_uri: str, queue: str):
        self.queue = queue
        self.conn = Connection(amqp_uri)
        self.conn.connect()
        channel = self.conn.channel()
        self.reply = Queue(f"raw-reply-{uuid.uuid4().hex}", exclusive=True, auto_delete=True)
        self.producer = Producer(channel, serializer="json")
        self.consumer = Consumer(channel, [self.reply], callbacks=[self._on_reply], no_ack=True, accept=["json"])
        self.consumer.consume()
        self.answered = None

    def _on_reply(self, body, message):
        self.answered = message.properties.get("correlation_id")

    def call(self):
        correlation_id = uuid.uuid4().hex
        self.producer.publish({"args": [], "kwargs": {}}, routing_key=self.queue, reply_to=self.reply.name,
                              correlation_id=correlation_id, delivery_mode=1, retry=False)
        while self.answered != correlation_id:
            self.conn.drain_events(timeout=10)

    def close(self):
        self.conn.release()


def calls_per_second(calls: list, seconds: float) -> float:
    """Run each of `calls` in a loop on its own thread for `seconds`; completed calls per second."""
    counts = [0] * len(calls)
    start = time.perf_counter()
    stop = start + seconds

    def loop(i):
        call = calls[i]
        while time.perf_counter() < stop:
            call()
            counts[i] += 1
    threads = [threading.Thread(target=loop, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def raw_rate(raw_clients: list, callers: int, seconds: float) -> float:
    return calls_per_second([client.call for client in raw_clients[:callers]], seconds)


def kit_rate(client, callers: int, seconds: float) -> float:
    ping = client.profile.ping
    return calls_per_second([ping] * callers, seconds)


def abba(bare, platform, seconds: float) -> tuple[float, float]:
    """Rates of `bare` and `platform` (callables taking a duration, returning a rate) measured A B B A."""
    slice_ = seconds / 2
    a1, b1, b2, a2 = bare(slice_), platform(slice_), platform(slice_), bare(slice_)
    return (a1 + a2) / 2, (b1 + b2) / 2


def start_raw_responder(stack, logs: Path):
    queue = f"raw-bench-{uuid.uuid4().hex[:8]}"
    dsn = stack.profile_database_url.replace("postgresql+psycopg2://", "postgresql://")
    proc = subprocess.Popen([sys.executable, str(ROOT / "bench" / "raw_responder.py"), stack.amqp_uri, dsn, queue],
                            stdout=subprocess.PIPE, stderr=open(logs / "raw_responder.log", "w"), text=True)
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError(f"raw responder did not start; see {logs}/raw_responder.log")
    return proc, queue


# --- 2. reference reads -----------------------------------------------------------------------------------------
def wrk(url: str, seconds: float, connections: int = CONCURRENT) -> float:
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", url],
                         check=True, capture_output=True, text=True).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{url}: {bad.group(1)} failed responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def start_bare_flask(body: bytes, logs: Path) -> tuple[subprocess.Popen, str]:
    body_file = logs / "departments.json"
    body_file.write_bytes(body)
    port = infra.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", str(GUNICORN_THREADS),
                             "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT / "bench"), "bare_app:app"],
                            env={**os.environ, "BARE_BODY_FILE": str(body_file)},
                            stdout=open(logs / "bare_flask.log", "w"), stderr=subprocess.STDOUT)
    infra.wait_port(port)
    return proc, f"http://127.0.0.1:{port}/api/v1/departments"


def stop(proc):
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=3, help="RPC seconds per side per round")
    parser.add_argument("--http-seconds", type=int, default=5, help="wrk seconds per side per round")
    parser.add_argument("--only", choices=["rpc", "http"], help="measure one figure only")
    args = parser.parse_args()
    if shutil.which("wrk") is None and args.only != "rpc":
        sys.exit("wrk is missing: scripts/ensure-infra.sh wrk")
    logs = Path(tempfile.mkdtemp(prefix="bench-rpc-"))
    from ausm_common.rpc import RpcClient

    with running_stack(logs, gateway_threads=GUNICORN_THREADS) as stack:
        responder, queue = start_raw_responder(stack, logs)
        raw_clients = [RawClient(stack.amqp_uri, queue) for _ in range(CONCURRENT)]
        kit = RpcClient(stack.amqp_uri, timeout=10, name="bench")
        gateway_url = stack.url("/api/v1/departments")
        bare, bare_url = start_bare_flask(requests.get(gateway_url, timeout=10).content, logs)
        figures = {k: [] for k in ("raw1", "kit1", "raw16", "kit16", "bare", "gateway")}
        try:
            for _ in range(20):   # warm both paths (connections, pools, caches)
                raw_clients[0].call()
                kit.profile.ping()
            for _ in range(args.trials):
                if args.only != "http":
                    for n, callers in (("1", 1), ("16", CONCURRENT)):
                        raw, mine = abba(lambda t: raw_rate(raw_clients, callers, t),
                                         lambda t: kit_rate(kit, callers, t), 2 * args.seconds)
                        figures["raw" + n].append(raw)
                        figures["kit" + n].append(mine)
                if args.only != "rpc":
                    bare_rate, gateway_rate = abba(lambda t: wrk(bare_url, t), lambda t: wrk(gateway_url, t),
                                                   2 * args.http_seconds)
                    figures["bare"].append(bare_rate)
                    figures["gateway"].append(gateway_rate)
        finally:
            kit.close()
            for client in raw_clients:
                client.close()
            stop(bare)
            stop(responder)
    report(figures, args)


def round_ratio(figures: dict, mine: str, bare: str) -> float:
    return statistics.median(m / b for m, b in zip(figures[mine], figures[bare]))


def report(figures: dict, args):
    med = {k: statistics.median(v) for k, v in figures.items() if v}
    print(f"machine: {os.cpu_count()} cores; {args.trials} rounds, each side measured A B B A "
          f"(RPC {args.seconds:g} s, HTTP wrk {args.http_seconds} s per side per round); medians of rates and of "
          f"round ratios")
    if "raw1" in med:
        for n in ("1", "16"):
            label = "1 caller" if n == "1" else f"{CONCURRENT} callers"
            print(f"RPC SELECT 1, {label:10}: kit client → profile.ping {med['kit' + n]:7.0f}/s   "
                  f"raw kombu request/reply {med['raw' + n]:7.0f}/s   ratio {round_ratio(figures, 'kit' + n, 'raw' + n):.2f}")
    if "bare" in med:
        print(f"GET /api/v1/departments, {CONCURRENT} connections: gateway {med['gateway']:7.0f}/s   "
              f"bare Flask, same bytes {med['bare']:7.0f}/s   ratio {round_ratio(figures, 'gateway', 'bare'):.2f}")
    for key, values in figures.items():
        if values:
            print(f"  runs {key:8}: " + ", ".join(f"{v:.0f}" for v in values))


if __name__ == "__main__":
    main()
