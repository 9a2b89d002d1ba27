"""HTTP helpers that act like a browser (cookies + CSRF header) or an API client (bearer)."""
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
