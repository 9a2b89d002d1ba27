"""The payment journeys through the whole platform: the gateway (HTTP and Chromium), the payment service, the
channels' sandbox as its own process (its payer page stands for the payer's phone) and, until the exam service
is registered, the exam stand-in answering exam.payable (tests/support/payable_service)."""
import io
import time
import uuid

import pytest
import requests

from ausm_common import registry
from ausm_common.rpc import RpcClient
from tests.e2e.browser import person_login, staff_login
from tests.e2e.helpers import Browser, login, new_person, register
from tests.support.people import phone as new_phone

pytestmark = pytest.mark.skipif("exam" in registry.names(),
                                reason="with the real exam service an approved enrollment comes from its own journey "
                                       "(tests/e2e of exam); these use the stand-in")


@pytest.fixture(scope="module")
def exam_rpc(stack):
    client = RpcClient(stack.amqp_uri, timeout=15, name="e2e-payment")
    deadline = time.time() + 60
    while True:
        try:
            client.exam.ping()
            break
        except Exception:
            assert time.time() < deadline, "the exam stand-in did not start"
            time.sleep(0.5)
    yield client
    client.close()


def person_with_enrollment(stack, exam_rpc, amount_fen=12000):
    browser = Browser(stack)
    data = new_person()
    assert register(browser, data).status_code == 201
    assert login(browser, data["id_number"]).status_code == 200
    me = browser.get("/api/v1/me").json()
    enrollment_id = uuid.uuid4().hex[:16]
    exam_rpc.exam.fake_enroll({"id": enrollment_id, "payer_id": me["id"], "amount_fen": amount_fen})
    return browser, data, enrollment_id


def sms_code(stack, browser, phone):
    assert browser.post("/api/v1/sms-codes", json={"phone": phone, "purpose": "payment"}).status_code == 200
    return stack.sms(phone)[0]["code"]


def test_an_order_over_http_paid_through_the_gateways_notify_route_with_its_receipt(stack, exam_rpc):
    browser, _, enrollment_id = person_with_enrollment(stack, exam_rpc)
    ref = f"exam:{enrollment_id}"
    page = browser.get(f"/api/v1/payments/payables/{ref}").json()
    assert page["payable"]["amount_fen"] == 12000 and page["open_order"] is None
    assert [c["label"] for c in page["channels"]] == ["支付宝", "微信", "云闪付"]
    phone = new_phone()
    created = browser.post("/api/v1/payments/orders", json={"ref": ref, "channel": "alipay", "phone": phone,
                                                             "sms_code": sms_code(stack, browser, phone),
                                                             "email": "a@example.com", "amount_fen": 1})
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["amount_fen"] == 12000 and len(order["order_no"]) == 16
    qr = browser.get(f"/api/v1/payments/orders/{order['order_no']}/qr.svg")
    assert qr.status_code == 200 and qr.headers["Content-Type"].startswith("image/svg+xml")
    requests.post(f"{stack.sandbox}/api/pay", json={"channel": "alipay", "order_no": order["order_no"]}, timeout=10)
    deadline = time.time() + 30
    while browser.get(f"/api/v1/payments/orders/{order['order_no']}").json()["status"] != "paid":
        assert time.time() < deadline
        time.sleep(0.5)
    log = requests.get(f"{stack.sandbox}/api/deliveries", params={"order_no": order["order_no"]}, timeout=10).json()
    assert log["deliveries"][0]["acknowledged"] and log["deliveries"][0]["status"] == 200   # via /notify/alipay
    receipt = browser.get(f"/api/v1/payments/orders/{order['order_no']}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    from pypdf import PdfReader
    text = PdfReader(io.BytesIO(receipt.content)).pages[0].extract_text()
    assert "网上缴费凭证" in text and order["order_no_display"] in text and "陈*" in text
    assert browser.get("/api/v1/me/orders").json()[0]["order_no"] == order["order_no"]
    stranger = Browser(stack)
    assert stranger.get(f"/api/v1/payments/orders/{order['order_no']}").status_code == 401
    spec = requests.get(stack.url("/api/v1/openapi.json"), timeout=10).json()
    assert "/api/v1/payments/orders" in spec["paths"] and "OrderOut" in spec["components"]["schemas"]
    assert "/notify/alipay" not in str(spec["paths"])          # outside the API, no CSRF, verified by signature


def test_a_forged_notification_to_the_gateway_is_refused(stack, exam_rpc):
    forged = requests.post(stack.url("/notify/unionpay"), data={"orderId": "2611270482951736", "respCode": "00",
                                                                  "txnAmt": "12000", "signature": "AAAA"}, timeout=10)
    assert forged.status_code == 400
    assert requests.post(stack.url("/notify/paypal"), data="x", timeout=10).status_code == 404


def pay_on_the_sandbox(page, link, again=False):
    payer = page.context.new_page()
    payer.goto(link)
    payer.get_by_test_id("sandbox-pay-again" if again else "sandbox-pay").click()
    payer.get_by_test_id("sandbox-result").wait_for()
    return payer


def start_payment(page, stack, data, enrollment_id, channel):
    person_login(page, stack, data["id_number"], next_path=f"/exam/enrollments/{enrollment_id}/payment")
    page.wait_for_url(f"**/exam/enrollments/{enrollment_id}/payment")
    page.get_by_test_id("summary-应缴金额").wait_for()
    assert page.get_by_test_id("order-no").inner_text() == ""          # empty until 生成订单
    phone = new_phone()
    page.get_by_test_id("phone").fill(phone)
    page.get_by_test_id("sms-button").click()
    page.get_by_test_id("sandbox-sms-link").wait_for()
    page.get_by_test_id("sms_code").fill(stack.sms(phone)[0]["code"])
    page.get_by_test_id("email").fill("chenjing@example.com")
    page.get_by_test_id(f"channel-{channel}").check()
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("create-order").click()
    page.get_by_test_id("qr-panel").wait_for()


def test_journey_approved_enrollment_pays_by_qr_and_is_registered_without_reload(page, stack, exam_rpc):
    _, data, enrollment_id = person_with_enrollment(stack, exam_rpc)
    start_payment(page, stack, data, enrollment_id, "wechat")
    assert len(page.get_by_test_id("order-no").inner_text().replace(" ", "")) == 16
    assert page.get_by_test_id("order-amount").inner_text() == "¥120.00"
    assert page.get_by_test_id("order-created").inner_text()
    assert page.get_by_test_id("qr-channel").inner_text() == "微信"
    first = page.get_by_test_id("countdown").inner_text()
    assert first[:2] in ("14", "15")
    page.wait_for_function("s => document.querySelector('[data-testid=countdown]').textContent !== s", arg=first)
    assert page.locator("[data-testid=qr-image]").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_test_id("exam-steps").locator("li.current").inner_text().endswith("网上缴费")
    payer = pay_on_the_sandbox(page, page.get_by_test_id("scan-link").get_attribute("href"))
    assert payer.get_by_test_id("sandbox-header").inner_text().startswith("微信支付")
    page.get_by_test_id("registration-done").wait_for(timeout=30000)
    assert page.evaluate("window.__sameDocument") is True                 # no reload
    assert page.get_by_test_id("exam-steps").locator("li.current").inner_text().endswith("报名成功")
    assert page.get_by_test_id("payment-status").inner_text().startswith("已缴费")
    assert "已通过微信支付 ¥120.00" in page.get_by_test_id("paid-info").inner_text()
    href = page.get_by_test_id("receipt-link").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    assert exam_rpc.exam.fake_state(enrollment_id)["status"] == "paid"


def test_journey_pays_twice_and_sees_the_refund_with_its_reason(page, stack, exam_rpc):
    _, data, enrollment_id = person_with_enrollment(stack, exam_rpc)
    start_payment(page, stack, data, enrollment_id, "alipay")
    link = page.get_by_test_id("scan-link").get_attribute("href")
    payer = pay_on_the_sandbox(page, link)
    page.get_by_test_id("registration-done").wait_for(timeout=30000)
    payer.get_by_test_id("sandbox-pay-again").click()                      # the money taken a second time
    payer.get_by_test_id("sandbox-result").wait_for()
    note = page.get_by_test_id("refund-note").first
    note.wait_for(timeout=45000)
    page.wait_for_function("() => /已退款/.test(document.querySelector('[data-testid=refund-note]').textContent)",
                           timeout=45000)
    assert "重复扣款" in note.inner_text() and "¥120.00" in note.inner_text()
    page.goto("/me/orders")
    page.get_by_test_id("refund-row").first.wait_for()
    assert "原路退回" in page.get_by_test_id("refund-reason").first.inner_text()
    assert page.get_by_test_id("order-status").first.inner_text().split("\n") == ["部分退款", "报名缴费成功"]
    assert exam_rpc.exam.fake_state(enrollment_id)["payments_seen"] == 1


def test_finance_staff_see_their_province_export_and_reconcile(page, stack, exam_rpc):
    staff_login(page, stack, "finance330000", next_path="/staff/finance")
    page.get_by_test_id("finance-order-row").first.wait_for()
    export = page.request.get("/api/v1/staff/finance/orders.csv")
    assert export.status == 200 and export.text().lstrip("\ufeff").startswith("订单号码,")
    page.get_by_test_id("tab-refunds").click()
    page.get_by_test_id("finance-refund-row").first.wait_for()
    page.get_by_test_id("tab-reconcile").click()
    page.get_by_test_id("reconcile-run").click()
    page.get_by_test_id("reconcile-channel").nth(2).wait_for()
    assert "支付宝：账单" in page.get_by_test_id("reconcile-result").inner_text()
    page.get_by_test_id("tab-audit").click()
    page.get_by_test_id("audit-row").first.wait_for()
    assert "对账" in page.get_by_test_id("audit-row").first.inner_text()
    beijing = staff_session_json(stack, "finance110000")
    assert all(o["province_code"].startswith("11") for o in beijing)


def staff_session_json(stack, username):
    from tests.e2e.helpers import staff_session
    return staff_session(stack, username).get("/api/v1/staff/finance/orders").json()
