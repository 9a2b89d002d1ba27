"""HTTP helpers that act like a browser (cookies + CSRF header) or an API client (bearer)."""
import itertools
import random

import requests

from tests.support.people import PASSWORD, mainland_id, phone


class Browser(requests.Session):
    """Cookie session; echoes the CSRF cookie in X-CSRF-Token like static/app.js does."""

    def __init__(self, stack):
        super().__init__()
        self.stack = stack
        self.get(stack.url("/"))          # receive the CSRF cookie

    def request(self, method, url, *args, **kwargs):
        if url.startswith("/"):
            url = self.stack.url(url)
        headers = kwargs.pop("headers", None) or {}
        if method.upper() != "GET" and self.cookies.get("ausm_csrf"):
            headers.setdefault("X-CSRF-Token", self.cookies.get("ausm_csrf"))
        kwargs.setdefault("timeout", 20)
        return super().request(method, url, *args, headers=headers, **kwargs)


def new_person(**overrides):
    data = {"id_type": "mainland_id", "id_number": mainland_id(), "name": "陈静", "password": PASSWORD,
            "password_confirm": PASSWORD, "phone": phone()}
    data.update(overrides)
    return data


def register(browser, data):
    sent = browser.post("/api/v1/sms-codes", json={"phone": data["phone"], "purpose": "register"})
    assert sent.status_code == 200, sent.text
    code = browser.stack.sms(data["phone"])[0]["code"]
    return browser.post("/api/v1/accounts", json={**data, "sms_code": code})


def login(browser, login_name, password=PASSWORD, transport="cookie", path="/api/v1/sessions"):
    captcha = browser.post("/api/v1/captcha").json()
    answer = browser.stack.captcha_answer(captcha["captcha_id"])
    return browser.post(path, json={"login": login_name, "password": password, "transport": transport,
                                    "captcha_id": captcha["captcha_id"], "captcha_answer": answer})


def staff_session(stack, username, password="Review@2025"):
    """A staff member's cookie session over HTTP (the seeded reviewers share one password)."""
    browser = Browser(stack)
    response = login(browser, username, password, path="/api/v1/staff/sessions")
    assert response.status_code == 200, response.text
    return browser


def client_ips():
    """Addresses of distinct clients behind the stack's one trusted proxy hop (SMS codes are capped per network)."""
    start = random.randrange(1 << 20)
    for n in itertools.count(start):
        yield f"10.{(n >> 16) % 256}.{(n >> 8) % 256}.{n % 256}"


CLIENT_IPS = client_ips()


def verified_person(stack, client_ip=None, **overrides):
    """A registered, logged-in person whose real name the Alipay sandbox verified. `client_ip` (or True for a fresh
    one) makes the person's requests come from their own network, as seen through the stack's proxy hop."""
    from urllib.parse import parse_qs, urlparse
    browser = Browser(stack)
    if client_ip:
        browser.headers["X-Forwarded-For"] = next(CLIENT_IPS) if client_ip is True else client_ip
    person = new_person(**overrides)
    assert register(browser, person).status_code == 201
    assert login(browser, person["id_number"]).status_code == 200
    start = browser.post("/api/v1/me/realname/alipay").json()
    query = {k: v[0] for k, v in parse_qs(urlparse(start["redirect_url"]).query).items()}
    done = browser.post("/sandbox/alipay/certify", data={**query, "cert_name": person["name"],
                                                         "cert_no": person["id_number"]})
    assert done.status_code == 200
    assert browser.get("/api/v1/me").json()["realname_status"] == "verified"
    return browser, person


def approved_person(stack, client_ip=None, **overrides):
    """A verified person whose collection (tests/support/profile_data) 上城区 approved, all over the API."""
    from tests.support import images
    from tests.support.profile_data import BASIC, EDUCATION, WORK
    overrides.setdefault("id_number", mainland_id(region="330102"))
    browser, person = verified_person(stack, client_ip, **overrides)
    assert browser.post("/api/v1/collection").status_code == 201
    assert browser.put("/api/v1/collection/steps/notice", json={"scope": "accountant"}).status_code == 200
    assert browser.put("/api/v1/collection/steps/basic", json=BASIC).status_code == 200
    assert browser.put("/api/v1/collection/steps/education", json={"segments": [EDUCATION]}).status_code == 200
    view = browser.put("/api/v1/collection/steps/work", json={"segments": [WORK]}).json()
    assert browser.put("/api/v1/collection/steps/department", json={"department_code": "330102"}).status_code == 200
    slots = ["basic.photo"] + sorted(s for s in view["required_proofs"] if s != "basic.photo")
    for i, slot in enumerate(slots):
        data = images.jpeg(480, 680, 61 * 1024, seed=61) if slot == "basic.photo" else \
            images.jpeg(800, 600, 20 * 1024, seed=70 + i)
        response = browser.post("/api/v1/collection/files", data={"slot": slot},
                                files={"file": ("proof.jpg", data, "image/jpeg")})
        assert response.status_code == 200, response.text
    submitted = browser.post("/api/v1/collection/submission", json={"pledge": True, "department_code": "330102"})
    assert submitted.status_code == 200, submitted.text
    approved = staff_session(stack, "reviewer330102").post(
        f"/api/v1/staff/collections/{submitted.json()['id']}/decision", json={"decision": "approve"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved", approved.text
    return browser, person
