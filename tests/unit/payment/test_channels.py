"""Each adapter against the channel sandbox in this process over loopback HTTP (no broker): create, query, pay,
notify, refund, close and the statement; and what each side refuses."""
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from flask import Flask, request
from werkzeug.serving import make_server

from ausm_common.clock import BEIJING, Clock
from payment.adapters import sandbox_channels
from payment.adapters.base import ChannelError, OrderFacts, RefundFacts
from payment.sandbox.app import create_app
from payment.sandbox.notifier import Notifier
from payment.sandbox.store import Store
from tests.support.infra import free_port


def serve(app):
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def world():
    received = []
    hook = Flask("merchant")
    state = {}

    @hook.post("/notify/<name>")
    def notify(name):
        adapter = state["channels"][name]
        try:
            received.append(adapter.verify_notification(dict(request.headers), request.get_data(as_text=True)))
            ack = adapter.acknowledgement(True)
        except Exception as exc:
            received.append(exc)
            ack = adapter.acknowledgement(False)
        return ack.body, ack.status

    merchant, merchant_url = serve(hook)
    port = free_port()
    app = create_app(f"http://127.0.0.1:{port}", time_scale=1000, store=Store(clock=Clock()))
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state["channels"] = sandbox_channels(f"http://127.0.0.1:{port}")
    yield {"channels": state["channels"], "sandbox": f"http://127.0.0.1:{port}", "merchant": merchant_url,
           "received": received}
    server.shutdown()
    merchant.shutdown()


def order(world, name, amount=12000):
    now = datetime.now(timezone.utc)
    number = f"2611{int(time.time() * 1000) % 10 ** 11:011d}{name[0]}"
    return OrderFacts(number, amount, "2026年度中级会计资格考试报名费", now, now + timedelta(minutes=15),
                      f"{world['merchant']}/notify/{name}")


@pytest.mark.parametrize("name", ["alipay", "wechat", "unionpay"])
def test_a_whole_payment_cycle_through_each_channel(world, name):
    channel, facts = world["channels"][name], order(world, name)
    assert channel.create(facts).endswith(f"/pay/{name}/{facts.order_no}")
    assert channel.query(facts.order_no, facts.created_at).state == "pending"
    paid = requests.post(f"{world['sandbox']}/api/pay", json={"channel": name, "order_no": facts.order_no}).json()
    deadline = time.time() + 10
    while not any(getattr(n, "order_no", None) == facts.order_no for n in world["received"]):
        assert time.time() < deadline, "no notification"
        time.sleep(0.05)
    notice = next(n for n in world["received"] if getattr(n, "order_no", None) == facts.order_no)
    assert (notice.state, notice.txn_id, notice.amount_fen) == ("paid", paid["txn_id"], 12000)
    trade = channel.query(facts.order_no, facts.created_at)
    assert (trade.state, trade.txn_id, trade.amount_fen) == ("paid", paid["txn_id"], 12000)
    assert channel.close(facts.order_no, facts.created_at) == "paid"
    refund = RefundFacts(facts.order_no + "R1", facts.order_no, trade.txn_id, 5000, 12000, "重复缴费退款")
    assert channel.refund(refund)[0] == "succeeded"
    assert channel.refund(refund)[0] == "succeeded"                      # the same refund number: the same refund
    day = datetime.now(BEIJING).date()
    lines = [line for line in channel.statement(day) if line.order_no == facts.order_no]
    assert [(line.kind, line.amount_fen) for line in lines] == [("payment", 12000), ("refund", 5000)]
    assert lines[1].refund_no == refund.refund_no
    trade_after = requests.get(f"{world['sandbox']}/api/trades/{name}/{facts.order_no}").json()
    assert [r["amount_fen"] for r in trade_after["refunds"]] == [5000]


@pytest.mark.parametrize("name", ["alipay", "wechat"])
def test_an_unpaid_order_closes_at_the_channel_and_can_no_longer_be_paid(world, name):
    channel, facts = world["channels"][name], order(world, name)
    channel.create(facts)
    assert channel.close(facts.order_no, facts.created_at) == "closed"
    assert channel.query(facts.order_no, facts.created_at).state == "closed"
    refused = requests.post(f"{world['sandbox']}/api/pay", json={"channel": name, "order_no": facts.order_no})
    assert refused.status_code == 409 and refused.json()["code"] == "ORDER_CLOSED"


def test_the_sandbox_refuses_requests_signed_with_another_merchant_key(world):
    from payment.adapters.alipay import AlipayChannel
    from payment.adapters import KEYS
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    impostor = AlipayChannel("2021000000000001", stranger, (KEYS / "alipay_platform_public.pem").read_text(),
                             f"{world['sandbox']}/alipay/gateway.do")
    with pytest.raises(ChannelError):
        impostor.create(order(world, "alipay"))


def test_our_side_refuses_answers_not_signed_by_the_channel(world):
    from payment.adapters.wechat import WechatChannel
    from payment.adapters import KEYS, SANDBOX
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    fooled = WechatChannel(SANDBOX["wechat_mchid"], SANDBOX["wechat_appid"],
                           (KEYS / "wechat_merchant_private.pem").read_text(), SANDBOX["wechat_serial"],
                           SANDBOX["wechat_apiv3_key"], other, SANDBOX["wechat_key_id"], f"{world['sandbox']}/wechat")
    with pytest.raises(ChannelError):
        fooled.create(order(world, "wechat"))


def test_unacknowledged_notifications_follow_each_channels_schedule_scaled():
    notifier = Notifier(time_scale=20000)
    for name in ("alipay", "wechat", "unionpay"):
        notifier.send(name, f"o-{name}", "test", lambda: ("http://127.0.0.1:9/closed", {}, ""), lambda r: True)
    deadline = time.time() + 30
    expected = {"alipay": 8, "wechat": 16, "unionpay": 6}                # first delivery + every retry
    while time.time() < deadline and notifier.pending():
        time.sleep(0.1)
    with notifier.cond:
        log = list(notifier.log)
    for name, attempts in expected.items():
        rows = [row for row in log if row["channel"] == name]
        assert len(rows) == attempts, name
        assert rows[-1]["next_in_seconds"] is None and not any(row["acknowledged"] for row in rows)
    alipay = [row["next_in_seconds"] for row in log if row["channel"] == "alipay"][:-1]
    assert alipay == [s / 20000 for s in (240, 600, 600, 3600, 7200, 21600, 54000)]
