"""The payment journeys through the whole platform: the gateway (HTTP and Chromium), the payment service, the
channels' sandbox as its own process (its payer page stands for the payer's phone) and the real exam service: every
order pays for a real enrollment (a new candidate's 初级 enrollment in 北京, 考后资格审核, payable at submission:
exam_flow.payable_enrollment), and the exam registers it from payment's events."""
import io
import time

import requests

from tests.e2e import exam_flow as flow
from tests.e2e.browser import order_on_the_payment_page, pay_on_the_sandbox, person_login, staff_login
from tests.e2e.helpers import Browser, staff_session
from tests.support.people import phone as new_phone


def wait_until(check, timeout=30, what="condition"):
    deadline = time.time() + timeout
    while not check():
        assert time.time() < deadline, f"timed out waiting for {what}"
        time.sleep(0.5)


def sms_code(stack, browser, phone):
    assert browser.post("/api/v1/sms-codes", json={"phone": phone, "purpose": "payment"}).status_code == 200
    return stack.sms(phone)[0]["code"]


def test_an_order_over_http_paid_through_the_gateways_notify_route_with_its_receipt(stack):
    browser, _, enrollment = flow.payable_enrollment(stack)
    enrollment_id = enrollment["id"]
    ref = f"exam:{enrollment_id}"
    page = browser.get(f"/api/v1/payments/payables/{ref}").json()
    assert page["payable"]["amount_fen"] == enrollment["amount_fen"] == 10000 and page["open_order"] is None
    assert page["summary"]["enrollment_no"] == enrollment["enrollment_no"] and page["summary"]["level_label"] == "初级"
    assert [c["label"] for c in page["channels"]] == ["支付宝", "微信", "云闪付"]
    phone = new_phone()
    created = browser.post("/api/v1/payments/orders", json={"ref": ref, "channel": "alipay", "phone": phone,
                                                             "sms_code": sms_code(stack, browser, phone),
                                                             "email": "a@example.com", "amount_fen": 1})
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["amount_fen"] == 10000 and len(order["order_no"]) == 16
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
    wait_until(lambda: flow.status(browser, enrollment_id) == "paid", 30, "the exam to register the payment")
    assert browser.get("/api/v1/me/orders").json()[0]["order_no"] == order["order_no"]
    stranger = Browser(stack)
    assert stranger.get(f"/api/v1/payments/orders/{order['order_no']}").status_code == 401
    spec = requests.get(stack.url("/api/v1/openapi.json"), timeout=10).json()
    assert "/api/v1/payments/orders" in spec["paths"] and "OrderOut" in spec["components"]["schemas"]
    assert "/notify/alipay" not in str(spec["paths"])          # outside the API, no CSRF, verified by signature


def test_a_forged_notification_to_the_gateway_is_refused(stack):
    forged = requests.post(stack.url("/notify/unionpay"), data={"orderId": "2611270482951736", "respCode": "00",
                                                                  "txnAmt": "12000", "signature": "AAAA"}, timeout=10)
    assert forged.status_code == 400
    assert requests.post(stack.url("/notify/paypal"), data="x", timeout=10).status_code == 404


def start_payment(page, stack, data, enrollment_id, channel):
    person_login(page, stack, data["id_number"], next_path=f"/exam/enrollments/{enrollment_id}/payment")
    page.wait_for_url(f"**/exam/enrollments/{enrollment_id}/payment")
    order_on_the_payment_page(page, stack, channel)


def test_journey_approved_enrollment_pays_by_qr_and_is_registered_without_reload(page, stack):
    browser, data, enrollment = flow.payable_enrollment(stack)
    enrollment_id = enrollment["id"]
    start_payment(page, stack, data, enrollment_id, "wechat")
    assert len(page.get_by_test_id("order-no").inner_text().replace(" ", "")) == 16
    assert page.get_by_test_id("order-amount").inner_text() == "¥100.00"
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
    assert "已通过微信支付 ¥100.00" in page.get_by_test_id("paid-info").inner_text()
    href = page.get_by_test_id("receipt-link").get_attribute("href")
    pdf = page.request.get(href)
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
    wait_until(lambda: flow.status(browser, enrollment_id) == "paid", 30, "the exam to register the payment")


def test_journey_pays_twice_and_sees_the_refund_with_its_reason(page, stack):
    browser, data, enrollment = flow.payable_enrollment(stack)
    enrollment_id = enrollment["id"]
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
    assert "重复扣款" in note.inner_text() and "¥100.00" in note.inner_text()
    page.goto("/me/orders")
    page.get_by_test_id("refund-row").first.wait_for()
    assert "原路退回" in page.get_by_test_id("refund-reason").first.inner_text()
    assert page.get_by_test_id("order-status").first.inner_text().split("\n") == ["部分退款", "报名缴费成功"]
    assert flow.status(browser, enrollment_id) == "paid"               # the second payment's refund undoes nothing
    registered = [e for e in browser.get("/api/v1/exam/enrollments").json() if e["id"] == enrollment_id]
    assert [e["status"] for e in registered] == ["paid"]


def test_finance_staff_see_their_province_export_and_reconcile(page, stack):
    staff_login(page, stack, "finance110000", next_path="/staff/finance")     # the orders above are 北京's
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
    beijing = staff_session(stack, "finance110000").get("/api/v1/staff/finance/orders").json()
    assert beijing and all(o["province_code"].startswith("11") for o in beijing)
    zhejiang = staff_session(stack, "finance330000").get("/api/v1/staff/finance/orders").json()
    assert all(o["province_code"].startswith("33") for o in zhejiang)


def test_a_payment_after_the_window_closed_is_refunded_and_both_pages_say_why(page, stack):
    """大连's payment window closes a few minutes after the candidate opened a QR: the enrollment becomes 已放弃 when
    the window closes, the old QR paid anyway is refunded automatically, the payment page says why (the refund's
    reason, and that the enrollment can no longer be paid) and the exam page says why the enrollment ended."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from tests.e2e.helpers import verified_person
    from tests.support.people import mainland_id
    browser, person = verified_person(stack, client_ip=True, id_number=mainland_id(region="210202"))
    exam_id = flow.plans(browser)["junior"]
    staff = staff_session(stack, "reviewer210200")
    base = f"/api/v1/staff/exam/{exam_id}/regions/210200"
    now = datetime.fromisoformat(requests.get(stack.url("/sandbox/clock"), timeout=10).json()["now"])

    def beijing(moment):
        return moment.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")
    window = {"registration_opens_at": beijing(now - timedelta(days=1)),
              "registration_closes_at": beijing(now + timedelta(minutes=2)),
              "payment_opens_at": beijing(now - timedelta(days=1)),
              "payment_closes_at": beijing(now + timedelta(minutes=3)), "review_mode": "none",
              "fees": {f["code"]: f["fee_fen"] for f in staff.get(base).json()["fees"]}}
    assert staff.put(base, json=window).status_code == 200
    view = flow.ready(browser, exam_id, "210200", "high_school", ["junior_practice", "economic_law_basics"],
                      entered=flow.ENTERED)
    submitted = browser.post(f"/api/v1/exam/enrollments/{view['id']}/submission").json()
    assert submitted["status"] == "approved" and submitted["payable"]
    ref, phone = f"exam:{view['id']}", new_phone()
    order = browser.post("/api/v1/payments/orders", json={"ref": ref, "channel": "alipay", "phone": phone,
                                                           "sms_code": sms_code(stack, browser, phone),
                                                           "email": "a@example.com"}).json()
    assert order["seconds_left"] <= 180                        # the QR never outlives the payment window
    order_url = f"/api/v1/payments/orders/{order['order_no']}"
    try:
        assert requests.post(stack.url("/sandbox/clock"), json={"advance_seconds": 240}, timeout=10).ok
        wait_until(lambda: flow.status(browser, view["id"]) == "abandoned", 30, "the window to close unpaid")
        assert browser.get(order_url).json()["status"] == "closed"
        paid = requests.post(f"{stack.sandbox}/api/pay", json={"channel": "alipay", "order_no": order["order_no"],
                                                               "ignore_expiry": True}, timeout=10)
        assert paid.status_code == 200, paid.text
        wait_until(lambda: browser.get(order_url).json()["status"] == "refunded", 45, "the automatic refund")
    finally:
        requests.delete(stack.url("/sandbox/clock"), timeout=10)
    refund = browser.get(order_url).json()["refunds"][0]
    assert refund["reason_code"] == "paid_after_close" and refund["amount_fen"] == submitted["amount_fen"]

    person_login(page, stack, person["id_number"], next_path=f"/exam/enrollments/{view['id']}/payment")
    page.wait_for_url(f"**/exam/enrollments/{view['id']}/payment")
    note = page.get_by_test_id("refund-note").first
    note.wait_for()
    assert "原路退回" in note.inner_text() and f"¥{submitted['amount_yuan']}" in note.inner_text()
    page.get_by_test_id("payment-alert").wait_for()
    assert "已放弃" in page.get_by_test_id("payment-alert").inner_text()
    assert page.get_by_test_id("order-form").is_hidden()                  # no new order for an ended enrollment
    page.goto(f"/exam/enrollments/{view['id']}")
    page.get_by_test_id("result-status").wait_for()
    assert page.get_by_test_id("result-status").inner_text() == "已放弃"
    assert "缴费时间已结束" in page.get_by_test_id("guidance").inner_text()
    assert page.get_by_test_id("pay-link").is_hidden()
