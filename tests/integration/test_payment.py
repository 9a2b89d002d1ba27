"""The payment service over RabbitMQ as a real `nameko run` process, with the channel sandbox (its own process,
its own keys), PostgreSQL from migrations, identity for the SMS step and the real exam service: every order pays
for a real enrollment (a new candidate's 初级 enrollment in 北京, 考后资格审核, payable the moment it is submitted;
tests/integration/exam_helpers.py), its amount from exam.payable, and the exam registers it (or refuses it) from
the payment events. Notifications reach the service through the gateway's /notify code (a relay), exactly as in
production."""
import base64
import json
import os
import time
import uuid
from urllib.parse import urlencode

import pytest
import requests
from sqlalchemy import select, text

from ausm_common.clock import SharedSandboxClock
from ausm_common.db import SessionFactory
from ausm_common.errors import AppError
from exam.models import Enrollment, Outbox as ExamOutbox, PaymentRecord
from tests.integration import exam_helpers as h
from tests.support import infra, payments as support
from tests.support.payments import deliveries, pay, wait_for

PERSON_NAME = "陈静"


@pytest.fixture(scope="module")
def payment_db():
    with infra.fresh_database("ausm_payment_it", "payment") as url:
        yield url


@pytest.fixture(scope="module")
def logs(tmp_path_factory):
    return tmp_path_factory.mktemp("payment-logs")


@pytest.fixture(scope="module")
def relay(amqp_uri):
    with support.notification_relay(amqp_uri) as running:
        yield running


@pytest.fixture(scope="module")
def sandbox(logs):
    with support.sandbox_process(logs, time_scale=600) as url:
        yield url


@pytest.fixture(scope="module")
def payment(payment_service, exam):
    return payment_service


@pytest.fixture(scope="module")
def payables(rpc, store, exam):
    """Payable enrollments made ahead in parallel (one candidate each), handed out one per test."""
    return h.PayableEnrollments(rpc, store, batch=8).fill(16)


@pytest.fixture(scope="module")
def payment_service(amqp_uri, payment_db, sandbox, relay, logs, identity):
    env = {**os.environ, "AMQP_URI": amqp_uri, "PAYMENT_DATABASE_URL": payment_db, "SANDBOX": "true",
           "PAYMENT_SANDBOX_URL": sandbox, "PAYMENT_NOTIFY_BASE_URL": relay.url, "RPC_TIMEOUT": "10"}
    process = support.ServiceProcess(support.payment_command(), env, logs / "payment.log").start()
    from ausm_common.rpc import RpcClient
    client = RpcClient(amqp_uri, timeout=15, name="payment-tests")
    wait_for(lambda: _pings(client) or process.proc.poll() is not None, 60, "the payment service")
    assert process.proc.poll() is None, f"payment service exited; see {logs}"
    process.client = client
    yield process
    client.close()
    process.stop()


def _pings(client) -> bool:
    try:
        return client.payment.ping()["ok"]
    except Exception:
        return False


@pytest.fixture
def pdb(payment_db):
    factory = SessionFactory.for_url(payment_db)
    yield factory
    factory.engine.dispose()


# --- helpers ---------------------------------------------------------------------------------------------

def stranger():
    return {"kind": "person", "id": uuid.uuid4().hex, "display_name": "陈**"}


def sms_code(rpc, phone):
    rpc.identity.send_sms_code({"phone": phone, "purpose": "payment", "client": f"it-{uuid.uuid4().hex[:8]}"})
    return rpc.identity.sandbox_recent_sms(phone)[0]["code"]


def new_phone():
    return "137" + uuid.uuid4().int.__str__()[:8]


def open_order(rpc, payer, enrollment_id, channel="alipay"):
    phone = new_phone()
    return rpc.as_caller(payer).payment.create_order({
        "ref": f"exam:{enrollment_id}", "channel": channel, "phone": phone, "sms_code": sms_code(rpc, phone),
        "email": "chenjing@example.com"})


def order_state(rpc, payer, order_no):
    return rpc.as_caller(payer).payment.get_order(order_no)


def count(db, sql, **params) -> int:
    with db.get_session() as session:
        return session.scalar(text(sql), params)


def events(db, event_type, order_no) -> int:
    return count(db, "SELECT count(*) FROM outbox WHERE event_type = :t AND payload->>'order_no' = :o",
                 t=event_type, o=order_no)


def verdicts(db, order_no) -> list[str]:
    with db.get_session() as session:
        return list(session.scalars(text("SELECT verdict FROM notification_log WHERE order_no = :o ORDER BY id"),
                                    {"o": order_no}))


def exam_state(exam_db, enrollment_id) -> dict:
    """What the real exam service made of the payments: the enrollment's status, the order that registered it and
    how many times it was registered (enrollment_registered events: exactly once however often payment speaks)."""
    with exam_db.get_session() as session:
        enrollment = session.get(Enrollment, enrollment_id)
        registered = sum(1 for payload in session.scalars(select(ExamOutbox.payload).where(
            ExamOutbox.event_type == "enrollment_registered")) if payload.get("enrollment_id") == enrollment_id)
        records = {r.order_no: r.state for r in session.scalars(select(PaymentRecord).where(
            PaymentRecord.enrollment_id == enrollment_id))}
        return {"status": enrollment.status, "paid_order_no": enrollment.order_no, "registrations": registered,
                "records": records}


def yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


@pytest.fixture
def fresh(payment, payables):
    """A new candidate and their enrollment, submitted in a 考后 province and payable now."""
    return payables.take()


# --- orders --------------------------------------------------------------------------------------------

def test_the_migrations_build_exactly_the_models(payment_db):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from payment.models import Base
    engine = create_engine(payment_db)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    engine.dispose()


def test_the_order_takes_its_amount_from_payable_and_needs_the_sms_code(rpc, fresh, pdb):
    payer, enrollment_id = fresh
    payable = rpc.as_service("payment").exam.payable(enrollment_id)
    assert payable["amount_fen"] == 10000 and payable["payer_id"] == payer["id"]   # 北京 初级: 2 subjects × 50 yuan
    phone = new_phone()
    with pytest.raises(AppError) as wrong:
        rpc.as_caller(payer).payment.create_order({"ref": f"exam:{enrollment_id}", "channel": "alipay",
                                                   "phone": phone, "sms_code": "000000",
                                                   "email": "chenjing@example.com", "amount_fen": 1})
    assert wrong.value.code in ("SMS_CODE_REQUIRED", "SMS_CODE_WRONG", "INVALID_INPUT")
    assert count(pdb, "SELECT count(*) FROM orders WHERE ref = :r", r=f"exam:{enrollment_id}") == 0
    order = open_order(rpc, payer, enrollment_id, "wechat")
    assert order["amount_fen"] == payable["amount_fen"] and order["amount_yuan"] == "100.00"
    assert order["status"] == "pending" and order["summary"] == payable["summary"]
    assert order["code_url"].endswith(f"/pay/wechat/{order['order_no']}") and 0 < order["seconds_left"] <= 900
    with pytest.raises(AppError) as foreign:
        rpc.as_caller(stranger()).payment.get_order(order["order_no"])
    assert foreign.value.status == 404
    _, other_payer = h.new_candidate(rpc)
    with pytest.raises(AppError) as not_theirs:                  # exam.payable answers only the enrollment's owner
        open_order(rpc, other_payer, enrollment_id, "alipay")
    assert not_theirs.value.status == 404


def test_one_open_order_per_reference_and_a_new_channel_closes_the_old_at_its_channel(rpc, fresh, sandbox, pdb):
    payer, enrollment_id = fresh
    first = open_order(rpc, payer, enrollment_id, "alipay")
    again = open_order(rpc, payer, enrollment_id, "alipay")
    assert again["order_no"] == first["order_no"]
    second = rpc.as_caller(payer).payment.switch_channel(first["order_no"], {"channel": "unionpay"})
    assert second["order_no"] != first["order_no"] and second["channel"] == "unionpay"
    assert requests.get(f"{sandbox}/api/trades/alipay/{first['order_no']}").json()["status"] == "CLOSED"
    old = order_state(rpc, payer, first["order_no"])
    assert old["status"] == "closed" and old["close_reason"] == "replaced"
    assert count(pdb, "SELECT count(*) FROM orders WHERE ref = :r AND status = 'pending'",
                 r=f"exam:{enrollment_id}") == 1


# --- notifications -------------------------------------------------------------------------------------

@pytest.mark.parametrize("channel", ["alipay", "wechat", "unionpay"])
def test_a_notified_payment_credits_the_order_once_and_the_exam_registers_it(rpc, fresh, sandbox, pdb, exam_db,
                                                                             channel):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, channel)
    paid = pay(sandbox, channel, order["order_no"])
    wait_for(lambda: exam_state(exam_db, enrollment_id)["status"] == "paid", 30, "the exam to register the payment")
    view = order_state(rpc, payer, order["order_no"])
    assert view["status"] == "paid" and view["settled"] and view["channel_txn_id"] == paid["txn_id"]
    assert verdicts(pdb, order["order_no"]) == ["accepted"]
    assert [d["acknowledged"] for d in deliveries(sandbox, order["order_no"])] == [True]
    state = exam_state(exam_db, enrollment_id)
    assert state["paid_order_no"] == order["order_no"] and state["records"] == {order["order_no"]: "settled"}
    assert rpc.as_caller(payer).exam.get_enrollment(enrollment_id)["status_label"] == "报名成功"
    assert events(pdb, "payment_succeeded", order["order_no"]) == 1
    wait_for(lambda: exam_state(exam_db, enrollment_id)["registrations"] == 1, 10, "the registration event")


def test_the_same_notification_ten_times_credits_once(rpc, fresh, sandbox, pdb, exam_db):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "wechat")
    pay(sandbox, "wechat", order["order_no"], mode="times10")
    wait_for(lambda: len(verdicts(pdb, order["order_no"])) == 10, 30, "ten deliveries")
    assert sorted(verdicts(pdb, order["order_no"])) == ["accepted"] + ["duplicate"] * 9
    assert count(pdb, "SELECT count(*) FROM payments WHERE order_no = :o", o=order["order_no"]) == 1
    assert events(pdb, "payment_succeeded", order["order_no"]) == 1
    wait_for(lambda: exam_state(exam_db, enrollment_id)["registrations"] == 1, 30, "the exam")
    time.sleep(1)
    state = exam_state(exam_db, enrollment_id)
    assert state["registrations"] == 1 and state["status"] == "paid"


def test_notified_and_found_by_query_credits_once(rpc, fresh, sandbox, pdb, exam_db):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "unionpay")
    pay(sandbox, "unionpay", order["order_no"], mode="late", delay=2)
    assert order_state(rpc, payer, order["order_no"])["status"] == "paid"      # the page's poll asks the channel
    wait_for(lambda: verdicts(pdb, order["order_no"]) == ["duplicate"], 30, "the late notification")
    assert count(pdb, "SELECT count(*) FROM payments WHERE order_no = :o", o=order["order_no"]) == 1
    assert count(pdb, "SELECT source FROM payments WHERE order_no = :o", o=order["order_no"]) == "query"
    assert events(pdb, "payment_succeeded", order["order_no"]) == 1
    wait_for(lambda: exam_state(exam_db, enrollment_id)["registrations"] == 1, 30, "the exam")


def _keys():
    from pathlib import Path
    return Path(support.ROOT) / "services/payment/payment/sandbox/keys"


def _forged_alipay(order, key_pem: bytes, app_id="2021000000000001", amount=None, altered_amount=None):
    from cryptography.hazmat.primitives import serialization
    from payment.sandbox import signing
    key = serialization.load_pem_private_key(key_pem, password=None)
    params = {"notify_type": "trade_status_sync", "notify_id": uuid.uuid4().hex, "app_id": app_id,
              "charset": "utf-8", "version": "1.0", "sign_type": "RSA2", "out_trade_no": order["order_no"],
              "trade_no": "2026" + uuid.uuid4().hex[:20], "trade_status": "TRADE_SUCCESS",
              "total_amount": amount or yuan(order["amount_fen"]), "gmt_payment": "2026-01-01 10:00:00"}
    params["sign"] = signing.rsa_sha256_sign(key, signing.alipay_content(params))
    if altered_amount:
        params["total_amount"] = altered_amount                   # changed after signing
    return urlencode(params)


def test_forged_or_foreign_notifications_are_refused_logged_and_change_nothing(rpc, fresh, relay, pdb, exam_db):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "alipay")
    stranger_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    alipay_key = (_keys() / "alipay_platform_private.pem").read_bytes()
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    forged = requests.post(f"{relay.url}/notify/alipay", data=_forged_alipay(order, stranger_key), headers=form)
    foreign = requests.post(f"{relay.url}/notify/alipay", data=_forged_alipay(order, alipay_key, app_id="2021999"),
                            headers=form)
    cheap = requests.post(f"{relay.url}/notify/alipay", data=_forged_alipay(order, alipay_key, amount="0.01"),
                          headers=form)
    altered = requests.post(f"{relay.url}/notify/alipay", headers=form,
                            data=_forged_alipay(order, alipay_key, altered_amount="0.01"))
    wechat = requests.post(f"{relay.url}/notify/wechat", data=json.dumps({"resource": {}}),
                           headers={"Wechatpay-Timestamp": str(int(time.time())), "Wechatpay-Nonce": "x",
                                    "Wechatpay-Signature": base64.b64encode(b"x" * 256).decode(),
                                    "Wechatpay-Serial": "PUB_KEY_ID_0119000001092025",
                                    "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048"})
    for answer in (forged, foreign, cheap, altered):
        assert answer.text != "success"
    assert wechat.status_code >= 400
    assert verdicts(pdb, order["order_no"]) == ["bad_signature", "wrong_app", "wrong_amount", "bad_signature"]
    assert order_state(rpc, payer, order["order_no"])["status"] == "pending"
    assert count(pdb, "SELECT count(*) FROM payments WHERE order_no = :o", o=order["order_no"]) == 0
    assert events(pdb, "payment_succeeded", order["order_no"]) == 0
    assert exam_state(exam_db, enrollment_id)["status"] == "approved"
    real = requests.post(f"{relay.url}/notify/alipay", data=_forged_alipay(order, alipay_key), headers=form)
    assert real.text == "success"     # the channel's own key, our app, order and amount: accepted
    wait_for(lambda: exam_state(exam_db, enrollment_id)["status"] == "paid", 30, "the exam to register it")


def test_a_wrong_amount_is_refused_retried_on_schedule_and_fixed_by_reconciliation(rpc, fresh, sandbox, pdb,
                                                                                   exam_db):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "wechat")
    wrong = order["amount_fen"] + 1
    pay(sandbox, "wechat", order["order_no"], amount_fen=wrong)
    wait_for(lambda: len(deliveries(sandbox, order["order_no"])) >= 4, 30, "retries")
    tries = deliveries(sandbox, order["order_no"])
    assert not any(d["acknowledged"] for d in tries)
    assert [d["next_in_seconds"] for d in tries[:3]] == [15 / 600, 15 / 600, 30 / 600]   # WeChat's 15s, 15s, 30s
    assert set(verdicts(pdb, order["order_no"])) == {"wrong_amount"}
    assert order_state(rpc, payer, order["order_no"])["status"] == "pending"
    finance = {"kind": "staff", "id": "it-fin", "name": "财务", "department_code": h.BEIJING, "roles": ["finance"]}
    day = SharedSandboxClock().now().astimezone(__import__("ausm_common.clock", fromlist=["BEIJING"]).BEIJING).date()
    result = rpc.as_caller(finance).payment.reconcile_day(day.isoformat(), "wechat")[0]
    difference = next(d for d in result["differences"] if d["order_no"] == order["order_no"])
    assert difference["kind"] == "missing_payment" and difference["channel_fen"] == wrong and difference["fixable"]
    fixed = rpc.as_caller(finance).payment.fix_difference({"day": day.isoformat(), "channel": "wechat",
                                                           "kind": "missing_payment", "key": difference["key"]})
    assert fixed["outcome"]["refund_reason"] == "wrong_amount" and not fixed["outcome"]["settles"]
    wait_for(lambda: order_state(rpc, payer, order["order_no"])["refunds"][0]["status"] == "succeeded", 30,
             "the refund of the wrong amount")
    assert exam_state(exam_db, enrollment_id)["status"] == "approved"          # not registered by a wrong amount
    audit = rpc.as_caller(finance).payment.staff_audit()
    assert [a["action"] for a in audit[:2]] == ["fix_missing_payment", "reconcile"]
    again = rpc.as_caller(finance).payment.reconcile_day(day.isoformat(), "wechat")[0]
    assert not [d for d in again["differences"] if d["order_no"] == order["order_no"]]
    other = {**finance, "department_code": h.ZHEJIANG}
    assert not rpc.as_caller(other).payment.staff_orders({"q": order["order_no"]})
    assert rpc.as_caller(finance).payment.staff_orders({"q": order["order_no"]})[0]["order_no"] == order["order_no"]


def test_reordered_notifications_settle_once_and_a_late_closed_never_undoes_paid(rpc, fresh, sandbox, pdb, exam_db):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "alipay")
    pay(sandbox, "alipay", order["order_no"], mode="out_of_order")
    wait_for(lambda: sorted(verdicts(pdb, order["order_no"])) == ["accepted", "ignored"], 30, "both notifications")
    assert order_state(rpc, payer, order["order_no"])["status"] == "paid"
    # paid twice on one order, the second payment's notification first: one settles, the other is refunded
    pay(sandbox, "alipay", order["order_no"], again=True, mode="out_of_order")
    wait_for(lambda: count(pdb, "SELECT count(*) FROM refunds WHERE order_no = :o AND status = 'succeeded'",
                           o=order["order_no"]) == 1, 30, "the refund of the second payment")
    assert count(pdb, "SELECT count(*) FROM payments WHERE order_no = :o AND settles", o=order["order_no"]) == 1
    view = order_state(rpc, payer, order["order_no"])
    assert view["status_label"] == "部分退款" and view["refunds"][0]["reason_code"] == "paid_twice_same_order"
    wait_for(lambda: exam_state(exam_db, enrollment_id)["status"] == "paid", 30, "the exam")
    time.sleep(1)
    state = exam_state(exam_db, enrollment_id)
    assert state["registrations"] == 1 and state["status"] == "paid"       # the partial refund does not undo it


def test_a_payment_whose_every_notification_is_lost_is_found_within_a_minute(rpc, fresh, sandbox, pdb, exam_db):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "wechat")
    started = time.time()
    pay(sandbox, "wechat", order["order_no"], mode="none")
    wait_for(lambda: exam_state(exam_db, enrollment_id)["status"] == "paid", 60, "the periodic query")
    assert time.time() - started < 60
    assert deliveries(sandbox, order["order_no"]) == []
    assert count(pdb, "SELECT source FROM payments WHERE order_no = :o", o=order["order_no"]) == "query"


def test_paid_after_expiry_is_recorded_and_refunded_and_the_person_is_told_why(rpc, fresh, sandbox, pdb, exam_db):
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "alipay")
    SharedSandboxClock().advance(16 * 60)                       # the QR's 15 minutes pass for every process
    assert order_state(rpc, payer, order["order_no"])["status"] == "closed"
    pay(sandbox, "alipay", order["order_no"], ignore_expiry=True)
    wait_for(lambda: order_state(rpc, payer, order["order_no"])["status"] == "refunded", 30, "the refund")
    view = order_state(rpc, payer, order["order_no"])
    assert view["refunds"][0]["reason_code"] == "paid_after_close" and "原路退回" in view["refunds"][0]["reason"]
    trade = requests.get(f"{sandbox}/api/trades/alipay/{order['order_no']}").json()
    assert trade["refunds"][0]["amount_fen"] == order["amount_fen"]
    assert events(pdb, "payment_refunded", order["order_no"]) == 1
    assert events(pdb, "payment_succeeded", order["order_no"]) == 0
    time.sleep(1)
    assert exam_state(exam_db, enrollment_id)["status"] == "approved"         # nothing registered: still payable
    assert rpc.as_service("payment").exam.payable(enrollment_id)["amount_fen"] == order["amount_fen"]


def test_paid_on_a_replaced_order_and_on_the_new_one_registers_once_and_refunds_the_other(rpc, fresh, sandbox, pdb,
                                                                                         exam_db):
    payer, enrollment_id = fresh
    first = open_order(rpc, payer, enrollment_id, "alipay")
    second = rpc.as_caller(payer).payment.switch_channel(first["order_no"], {"channel": "wechat"})
    pay(sandbox, "wechat", second["order_no"])
    pay(sandbox, "alipay", first["order_no"], ignore_expiry=True)   # the old QR, paid anyway
    wait_for(lambda: order_state(rpc, payer, first["order_no"])["status"] == "refunded", 30, "the refund")
    assert order_state(rpc, payer, second["order_no"])["settled"]
    wait_for(lambda: exam_state(exam_db, enrollment_id)["status"] == "paid", 30, "registration")
    state = exam_state(exam_db, enrollment_id)
    assert state["registrations"] == 1 and state["paid_order_no"] == second["order_no"]
    with pytest.raises(AppError) as done:
        open_order(rpc, payer, enrollment_id, "unionpay")
    assert done.value.code in ("ALREADY_PAID", "NOT_PAYABLE")


def test_a_payment_the_exam_rejects_is_refunded_once(rpc, fresh, sandbox, pdb, exam_db, amqp_uri):
    """The candidate deletes the enrollment (重新报名) with a QR still open and pays it anyway: the exam refuses the
    payment (enrollment_payment_rejected) and payment refunds it, once, however often the refusal arrives."""
    from tests.integration.test_kit import publish
    payer, enrollment_id = fresh
    order = open_order(rpc, payer, enrollment_id, "unionpay")
    rpc.as_caller(payer).exam.delete_enrollment(enrollment_id, {"reason": "报名点选错，重新报名"})
    pay(sandbox, "unionpay", order["order_no"])
    wait_for(lambda: order_state(rpc, payer, order["order_no"])["status"] == "refunded", 30, "the refund")
    state = exam_state(exam_db, enrollment_id)
    assert state["status"] == "deleted" and state["registrations"] == 0
    assert state["records"][order["order_no"]] in ("rejected", "refunded")     # refused, then told of the refund
    view = order_state(rpc, payer, order["order_no"])
    assert len(view["refunds"]) == 1 and "已删除" in view["refunds"][0]["reason"]
    rejection = {"event_id": uuid.uuid4().hex, "ref": f"exam:{enrollment_id}", "ref_id": enrollment_id,
                 "order_no": order["order_no"], "amount_fen": order["amount_fen"], "reason": "报名已删除"}
    publish(amqp_uri, "exam", "enrollment_payment_rejected", rejection, times=2)
    publish(amqp_uri, "exam", "enrollment_payment_rejected", {**rejection, "event_id": uuid.uuid4().hex})
    time.sleep(1.5)
    view = order_state(rpc, payer, order["order_no"])
    assert len(view["refunds"]) == 1 and view["status"] == "refunded"
    assert events(pdb, "payment_refunded", order["order_no"]) == 1


# --- crash safety --------------------------------------------------------------------------------------

def test_kill_9_between_accepting_a_notification_and_publishing_its_event_loses_nothing(rpc, payment, payables,
                                                                                         relay, sandbox, pdb,
                                                                                         exam_db):
    for attempt in range(5):
        payer, enrollment_id = payables.take()
        order = open_order(rpc, payer, enrollment_id, "wechat")
        relay.hooks["after_answer"] = payment.freeze      # stopped the moment it has answered the channel
        pay(sandbox, "wechat", order["order_no"])
        wait_for(lambda: verdicts(pdb, order["order_no"]) == ["accepted"], 30, "the notification")
        unpublished = count(pdb, "SELECT count(*) FROM outbox WHERE payload->>'order_no' = :o AND published_at IS NULL",
                            o=order["order_no"])
        payment.kill()
        if unpublished:
            assert exam_state(exam_db, enrollment_id)["status"] == "approved"   # the exam has heard nothing yet
        payment.start()
        wait_for(lambda: exam_state(exam_db, enrollment_id)["status"] == "paid", 60, "the event after the restart")
        wait_for(lambda: _pings(payment.client), 60, "the restarted service")
        if unpublished:
            break
    else:
        pytest.fail("the relay published before the freeze in every attempt")
    assert events(pdb, "payment_succeeded", order["order_no"]) == 1
    time.sleep(1)
    assert exam_state(exam_db, enrollment_id)["registrations"] == 1
