"""make bench: the exam's figures on this machine, on a whole platform of its own (every service, the gateway).

1. Seat contention: N candidates, each with an enrollment ready to submit, submit at the same moment through the
   gateway for the last K seats of one registration site. Reported: how many got a seat (must be K), how many
   were refused SITE_FULL, seats held afterwards (must be K: 0 overbooked), and the time until every answer was in.
2. The province table through the gateway (cached, ETag) against a bare Flask app serving the same JSON bytes
   under the same gunicorn settings, same concurrency; requests per second and their ratio.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402

from tests.e2e import exam_flow as flow  # noqa: E402
from tests.e2e.helpers import Browser, staff_session, verified_person  # noqa: E402
from tests.support import infra  # noqa: E402
from tests.support.people import mainland_id  # noqa: E402
from tests.support.stack import running_stack  # noqa: E402


def seat_contention(stack, clients: int, seats: int) -> dict:
    staff = staff_session(stack, flow.STAFF["320000"])
    exam_id = flow.plans(staff)["junior"]
    site = staff.post(f"/api/v1/staff/exam/{exam_id}/regions/320000/sites",
                      json={"city_code": "320100", "city_name": "南京市", "name": f"压测报名点{time.time():.0f}",
                            "quota": seats}).json()

    def ready(_):
        browser, _person = verified_person(stack, client_ip=True, id_number=mainland_id(region="320102"))
        view = flow.start(browser, exam_id, "320000")
        base = f"/api/v1/exam/enrollments/{view['id']}"
        assert browser.put(base + "/route", json={"route": "high_school"}).status_code == 200
        info = browser.put(base + "/info", json={"site_id": site["id"], "entered": flow.ENTERED,
                                                  "subjects": ["junior_practice", "economic_law_basics"]})
        assert info.status_code == 200, info.text
        flow.upload_missing(browser, info.json())
        return browser, base

    with ThreadPoolExecutor(8) as pool:
        prepared = list(pool.map(ready, range(clients)))
    barrier_start = time.perf_counter()

    def submit(item):
        browser, base = item
        answer = browser.post(base + "/submission")
        return answer.status_code, answer.json().get("code") or answer.json().get("status")

    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(submit, prepared))
    settled = time.perf_counter() - barrier_start
    held = staff.get(f"/api/v1/staff/exam/{exam_id}/regions/320000").json()
    taken = next(s["taken"] for s in held["sites"] if s["id"] == site["id"])
    won = sum(1 for status, _ in outcomes if status == 200)
    full = sum(1 for status, code in outcomes if status == 409 and code == "SITE_FULL")
    return {"clients": clients, "seats": seats, "won": won, "site_full": full, "other": clients - won - full,
            "taken": taken, "overbooked": max(taken - seats, 0), "settle_s": settled}


BARE_APP = textwrap.dedent("""
    from flask import Flask, Response
    app = Flask(__name__)
    BODY = open(__import__("os").environ["BENCH_BODY"], "rb").read()

    @app.route("/table")
    def table():
        return Response(BODY, mimetype="application/json")
""")


def rate(url: str, workers: int, seconds: float) -> float:
    deadline = time.perf_counter() + seconds
    counts = [0] * workers

    def loop(i):
        session = requests.Session()
        while time.perf_counter() < deadline:
            assert session.get(url, timeout=10).status_code == 200
            counts[i] += 1

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(loop, range(workers)))
    return sum(counts) / (time.perf_counter() - start)


def province_table(stack, workers: int, seconds: float, trials: int) -> dict:
    exam_id = flow.plans(Browser(stack))["junior"]
    url = stack.url(f"/api/v1/exams/{exam_id}/provinces")
    body = requests.get(url, timeout=10).content
    work = Path(tempfile.mkdtemp(prefix="exam-bench-"))
    (work / "bare.py").write_text(BARE_APP)
    (work / "body.json").write_bytes(body)
    port = infra.free_port()
    bare = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "8", "--bind",
                             f"127.0.0.1:{port}", "--chdir", str(work), "bare:app"],
                            env={**os.environ, "BENCH_BODY": str(work / "body.json")},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        infra.wait_port(port)
        platform, plain = [], []
        for _ in range(trials):                      # interleaved, so both see the same machine
            platform.append(rate(url, workers, seconds))
            plain.append(rate(f"http://127.0.0.1:{port}/table", workers, seconds))
    finally:
        bare.terminate()
        bare.wait(10)
    gateway, bare_rate = statistics.median(platform), statistics.median(plain)
    return {"bytes": len(body), "gateway_rps": gateway, "bare_rps": bare_rate, "ratio": gateway / bare_rate}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--seats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--only", choices=["seats", "table"], help="one of the two figures (default: both)")
    args = parser.parse_args()
    with running_stack(Path(tempfile.mkdtemp(prefix="exam-bench-logs-"))) as stack:
        seats = seat_contention(stack, args.clients, args.seats) if args.only != "table" else None
        table = province_table(stack, args.workers, args.seconds, args.trials) if args.only != "seats" else None
    if table:
        print(f"province table ({table['bytes']} bytes), {args.workers} clients, median of {args.trials}: "
              f"gateway {table['gateway_rps']:.0f} req/s, bare Flask {table['bare_rps']:.0f} req/s, "
              f"ratio {table['ratio']:.2f}")
    if seats is None:
        return
    print(f"seat contention: {seats['clients']} concurrent submissions through the gateway for the last "
          f"{seats['seats']} seats: {seats['won']} seated, {seats['site_full']} refused SITE_FULL, "
          f"{seats['other']} other; seats held {seats['taken']} ({seats['overbooked']} overbooked); "
          f"settled in {seats['settle_s']:.2f} s")
    if seats["overbooked"] or seats["won"] != seats["seats"]:
        sys.exit("seat contention: the quota did not hold")


if __name__ == "__main__":
    main()
