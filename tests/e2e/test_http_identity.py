"""The gateway over HTTP: contract, journeys and bad input at each step."""
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import requests

from ausm_common import registry

from tests.e2e.helpers import Browser, login, new_person, register
from tests.support import images


def count(stack, sql, *args):
    conn = psycopg2.connect(stack.database_url.replace("postgresql+psycopg2", "postgresql"))
    try:
        with conn.cursor() as cur:
            cur.execute(sql, args)
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_health_and_openapi(stack):
    health = requests.get(stack.url("/healthz"), timeout=10)
    assert health.status_code == 200
    assert health.json()["checks"] == {"broker": True, **{name: True for name in registry.names()}}
    spec = requests.get(stack.url("/api/v1/openapi.json"), timeout=10).json()
    assert spec["openapi"].startswith("3.") and "/api/v1/accounts" in spec["paths"]
    assert "/api/v1/me/realname/online" in spec["paths"]


def test_register_login_and_see_masked_name(stack):
    browser = Browser(stack)
    data = new_person(name="欧阳娜娜")
    created = register(browser, data)
    assert created.status_code == 201, created.text
    assert created.json()["name"] == "欧***"
    logged = login(browser, data["phone"])
    assert logged.status_code == 200 and "token" not in logged.json()
    cookie = [c for c in browser.cookies if c.name == "ausm_session"][0]
    assert cookie.has_nonstandard_attr("HttpOnly")
    me = browser.get("/api/v1/me").json()
    assert me["name"] == "欧***" and me["phone"].count("*") == 4
    assert "欧***" in browser.get("/").text


def test_bearer_tokens_for_api_callers(stack):
    client = Browser(stack)
    data = new_person()
    register(client, data)
    token = login(requests.Session() and client, data["id_number"], transport="bearer").json()["token"]
    me = requests.get(stack.url("/api/v1/me"), headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert me.status_code == 200 and me.json()["id_type"] == "mainland_id"


def test_cookie_writes_without_csrf_header_are_refused(stack):
    browser = Browser(stack)
    data = new_person()
    register(browser, data)
    login(browser, data["id_number"])
    response = requests.post(stack.url("/api/v1/me/realname/alipay"), cookies=browser.cookies, timeout=10)
    assert response.status_code == 403 and response.json()["code"] == "CSRF_FAILED"


def test_bad_checksum_is_refused_with_its_code_and_nothing_saved(stack):
    browser = Browser(stack)
    data = new_person(id_number="13070119931030228X")
    response = register(browser, data)
    assert response.status_code == 422 and response.json()["code"] == "ID_NUMBER_CHECKSUM"
    assert "id_number" in response.json()["errors"]
    assert count(stack, "select count(*) from accounts where phone = %s", data["phone"]) == 0


def test_sms_resent_too_early_then_code_expired(stack):
    browser = Browser(stack)
    data = new_person()
    first = browser.post("/api/v1/sms-codes", json={"phone": data["phone"], "purpose": "register"})
    assert first.status_code == 200 and first.json()["resend_after"] == 180
    again = browser.post("/api/v1/sms-codes", json={"phone": data["phone"], "purpose": "register"})
    assert again.status_code == 429 and again.json()["code"] == "SMS_TOO_FREQUENT"
    assert 0 < again.json()["retry_after"] <= 180
    code = stack.sms(data["phone"])[0]["code"]
    requests.post(stack.url("/sandbox/clock"), json={"advance_seconds": 181}, timeout=10)
    try:
        expired = browser.post("/api/v1/accounts", json={**data, "sms_code": code})
    finally:
        requests.delete(stack.url("/sandbox/clock"), timeout=10)
    assert expired.status_code == 422 and expired.json()["code"] == "SMS_CODE_EXPIRED"
    assert count(stack, "select count(*) from accounts where phone = %s", data["phone"]) == 0


def at_once(calls):
    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))


def test_fifty_logins_at_once_check_five_wrong_passwords_and_the_right_one_waits(stack):
    browser = Browser(stack)
    data = new_person()
    account = register(browser, data).json()
    bodies = []
    for _ in range(50):
        captcha = browser.post("/api/v1/captcha").json()
        bodies.append({"login": data["id_number"], "password": "Wrong#2025x", "transport": "bearer",
                       "captcha_id": captcha["captcha_id"],
                       "captcha_answer": stack.captcha_answer(captcha["captcha_id"])})
    responses = at_once([lambda body=body: requests.post(stack.url("/api/v1/sessions"), json=body, timeout=60)
                         for body in bodies])
    assert sorted(r.json()["code"] for r in responses) == ["ACCOUNT_LOCKED"] * 46 + ["LOGIN_FAILED"] * 4
    assert {r.status_code for r in responses} == {401, 429}
    assert count(stack, "select count(*) from login_events where subject_id = %s and not success", account["id"]) == 5
    right = login(browser, data["id_number"], transport="bearer")
    assert right.status_code == 429 and right.json()["code"] == "ACCOUNT_LOCKED"
    assert count(stack, "select count(*) from login_events where subject_id = %s", account["id"]) == 5


def test_fifty_sms_requests_at_once_for_a_fresh_phone_send_one_code(stack):
    number = new_person()["phone"]
    responses = at_once([lambda: requests.post(stack.url("/api/v1/sms-codes"), timeout=60,
                                               json={"phone": number, "purpose": "register"})] * 50)
    assert sorted(r.status_code for r in responses) == [200] + [429] * 49
    assert {r.json()["code"] for r in responses if r.status_code == 429} == {"SMS_TOO_FREQUENT"}
    assert len(stack.sms(number)) == 1
    assert count(stack, "select count(*) from sms_codes where phone = %s", number) == 1


def test_wrong_captcha_and_duplicate_id(stack):
    browser = Browser(stack)
    data = new_person()
    assert register(browser, data).status_code == 201
    captcha = browser.post("/api/v1/captcha").json()
    wrong = browser.post("/api/v1/sessions", json={"login": data["id_number"], "password": data["password"],
                                                   "captcha_id": captcha["captcha_id"], "captcha_answer": "ZZZZ"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "CAPTCHA_WRONG"
    duplicate = register(browser, new_person(id_number=data["id_number"]))
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "ACCOUNT_EXISTS"
    assert count(stack, "select count(*) from accounts where id_number = %s", data["id_number"]) == 1


def _upload(browser, front, region="330000"):
    files = {"id_front": ("front.jpg", front, "image/jpeg"),
             "id_back": ("back.jpg", images.jpeg(640, 400, 10240, seed=5), "image/jpeg"),
             "id_handheld": ("hand.jpg", images.jpeg(480, 640, 10240, seed=6), "image/jpeg")}
    return browser.post("/api/v1/me/realname/online", data={"region_code": region}, files=files)


def test_online_realname_bad_uploads_then_province_approval(stack):
    browser = Browser(stack)
    data = new_person()
    register(browser, data)
    login(browser, data["id_number"])
    fake = _upload(browser, b"GIF89a this is not a jpeg" * 600)
    assert fake.status_code == 422 and fake.json()["code"] == "UPLOAD_TYPE" and "id_front" in fake.json()["errors"]
    huge = _upload(browser, images.jpeg(3200, 2400, 5 * 1024 * 1024 + 1, seed=7))
    assert huge.status_code == 422 and huge.json()["code"] == "UPLOAD_TOO_LARGE"
    assert count(stack, "select count(*) from realname_requests") == 0 or \
        count(stack, "select count(*) from realname_requests r join accounts a on a.id = r.account_id "
                     "where a.phone = %s", data["phone"]) == 0
    ok = _upload(browser, images.jpeg(640, 400, 10240, seed=8))
    assert ok.status_code == 201, ok.text
    request_id = ok.json()["id"]

    outsider = Browser(stack)
    assert login(outsider, "reviewer110000", "Review@2025", path="/api/v1/staff/sessions").status_code == 200
    assert request_id not in [r["id"] for r in outsider.get("/api/v1/staff/realname-requests").json()]
    assert outsider.get(f"/api/v1/staff/realname-requests/{request_id}").status_code == 403

    reviewer = Browser(stack)
    assert login(reviewer, "reviewer330000", "Review@2025", path="/api/v1/staff/sessions").status_code == 200
    detail = reviewer.get(f"/api/v1/staff/realname-requests/{request_id}").json()
    photo = reviewer.get(detail["photos"]["id_front"])
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    tampered = detail["photos"]["id_front"].replace("sig=", "sig=0")
    assert requests.get(stack.url(tampered), timeout=10).status_code == 403
    decided = reviewer.post(f"/api/v1/staff/realname-requests/{request_id}/decision", json={"approve": True})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    assert browser.get("/api/v1/me/realname").json()["status"] == "verified"
    assert browser.get("/api/v1/staff/realname-requests").status_code == 403


def test_errors_have_one_shape_and_no_internal_text(stack):
    response = requests.post(stack.url("/api/v1/accounts"), json={"id_type": "mainland_id"}, timeout=10)
    body = response.json()
    assert response.status_code == 422 and set(body) >= {"code", "message", "errors"}
    assert "id_number" in body["errors"]
    missing = requests.get(stack.url("/api/v1/nothing-here"), timeout=10)
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
