"""make bench, payment part: channel notifications verified and applied per second, against bare signature
verifications per second, measured side by side in one run.

1. Through the platform: Alipay notifications (RSA2-signed by the channel sandbox's key, each for its own open
   order) POSTed to the gateway's /notify/alipay → RPC → payment service: SDK verification, order and amount
   checks, the row locks, the payment, the settlement and the outbox event in one transaction, the `success`
   answer. Orders are opened beforehand straight in the database; the notifications are signed before the clock
   starts.
2. Bare: the same notifications' signatures verified with the same SDK call in this process, same concurrency.
Each figure is the median of several interleaved trials; read the ratio on this noisy 2-core machine.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402

from ausm_common.clock import utcnow  # noqa: E402
from ausm_common.db import SessionFactory, make_engine  # noqa: E402
from payment import order_numbers  # noqa: E402
from payment.adapters import sandbox_channels  # noqa: E402
from payment.models import Order  # noqa: E402
from payment.sandbox import signing  # noqa: E402
from payment.sandbox.channels import KEYS, MERCHANT  # noqa: E402
from tests.support.stack import running_stack  # noqa: E402

KEY = serialization.load_pem_private_key((KEYS / "alipay_platform_private.pem").read_bytes(), password=None)


def rate(fn, items, workers):
    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(fn, items))
    return len(items) / (time.perf_counter() - start), results


def open_orders(database_url: str, n: int) -> list[str]:
    factory = SessionFactory(make_engine(database_url, pool_size=1))
    now, numbers = utcnow(), []
    with factory.get_session() as session:
        for _ in range(n):
            number = order_numbers.new_order_no(now)
            ref = f"bench:{uuid.uuid4().hex[:16]}"
            session.add(Order(order_no=number, ref=ref, ref_service="bench", ref_id=ref[6:], payer_id="bench",
                              amount_fen=12000, description="报名费", province_code="330000", summary={},
                              channel="alipay", status="pending", phone="13800000000", email="b@example.com",
                              refunded_fen=0, paid_fen=0, settled=False, created_at=now,
                              expires_at=now + timedelta(minutes=15), deadline=now + timedelta(days=1),
                              next_check_at=now + timedelta(hours=1)))
            numbers.append(number)
    factory.engine.dispose()
    return numbers


def notification(order_no: str) -> str:
    params = {"notify_time": "2026-03-10 10:00:01", "notify_type": "trade_status_sync", "notify_id": uuid.uuid4().hex,
              "app_id": MERCHANT["alipay_app_id"], "charset": "utf-8", "version": "1.0", "sign_type": "RSA2",
              "out_trade_no": order_no, "trade_no": "2026031022001" + uuid.uuid4().hex[:15],
              "trade_status": "TRADE_SUCCESS", "total_amount": "120.00", "gmt_payment": "2026-03-10 10:00:00",
              "seller_id": MERCHANT["alipay_seller_id"]}
    params["sign"] = signing.rsa_sha256_sign(KEY, signing.alipay_content(params))
    return urlencode(params)


def through_platform(stack, bodies, workers):
    sessions = [requests.Session() for _ in range(workers)]
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}

    def one(item):
        i, body = item
        return sessions[i % workers].post(stack.url("/notify/alipay"), data=body, headers=headers, timeout=30).text

    per_second, answers = rate(one, list(enumerate(bodies)), workers)
    assert answers == ["success"] * len(bodies), set(answers)
    return per_second


def bare(client, bodies, workers):
    parsed = [dict(parse_qsl(b)) for b in bodies]

    def one(params):
        params = dict(params)
        return client.verify(params, params.pop("sign"))

    per_second, results = rate(one, parsed, workers)
    assert all(results)
    return per_second


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--notifications", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    client = sandbox_channels("http://127.0.0.1:9")["alipay"].client
    with running_stack(Path(tempfile.mkdtemp(prefix="bench-payment-")), gateway_threads=16) as stack:
        database = stack.databases["payment"]
        warm = [notification(n) for n in open_orders(database, 20)]
        through_platform(stack, warm, args.workers)
        platform, verified = [], []
        for _ in range(args.trials):   # interleaved, so drift on the machine hits both sides alike
            bodies = [notification(n) for n in open_orders(database, args.notifications)]
            verified.append(bare(client, bodies, args.workers))
            platform.append(through_platform(stack, bodies, args.workers))
    med = statistics.median
    print(f"machine: {os.cpu_count()} cores; Alipay RSA2 (2048-bit) notifications, {args.notifications} a trial, "
          f"{args.workers} concurrent, {args.trials} trials, medians")
    print(f"notifications verified and applied/s (HTTP → gateway → RPC → payment → PostgreSQL): {med(platform):8.1f}   "
          f"bare signature verifications/s (python-alipay-sdk): {med(verified):8.1f}   "
          f"ratio {med(platform) / med(verified):.3f}")
    print("runs: platform " + ", ".join(f"{x:.1f}" for x in platform) + " | bare " +
          ", ".join(f"{x:.1f}" for x in verified))


if __name__ == "__main__":
    main()
