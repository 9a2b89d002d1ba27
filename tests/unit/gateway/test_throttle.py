"""Gateway throttles per client address: 429 with Retry-After and the error shape, before any service is called."""
import pytest

from gateway import create_app


class CountingServices:
    """Stands in for the RPC client: counts the calls that got past the throttle."""

    def __init__(self):
        self.calls = 0

    def call(self, service, method, args=(), kwargs=None, context=None, timeout=None):
        self.calls += 1
        return {"captcha_id": "c", "image": "data:", "expires_in": 300}


@pytest.fixture
def app():
    app = create_app({"SANDBOX": True, "TESTING": True, "THROTTLE_STORAGE_URI": "memory://", "THROTTLE_CAPTCHA": "3/minute",
                      "THROTTLE_LOGIN": "2/minute", "TRUSTED_PROXY_HOPS": 1})
    app.extensions["rpc_client"] = CountingServices()
    return app


def test_captcha_images_are_limited_per_client_with_retry_after(app):
    client = app.test_client()
    answers = [client.post("/api/v1/captcha", headers={"X-Forwarded-For": "203.0.113.7"}) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    refused = answers[-1]
    assert refused.json["code"] == "TOO_MANY_REQUESTS" and refused.json["message"]
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    assert app.extensions["rpc_client"].calls == 3


def test_another_client_address_has_its_own_allowance(app):
    client = app.test_client()
    for _ in range(3):
        client.post("/api/v1/captcha", headers={"X-Forwarded-For": "203.0.113.8"})
    assert client.post("/api/v1/captcha", headers={"X-Forwarded-For": "203.0.113.8"}).status_code == 429
    assert client.post("/api/v1/captcha", headers={"X-Forwarded-For": "198.51.100.9"}).status_code == 200


def test_logins_are_limited_before_the_identity_service_is_asked(app):
    client = app.test_client()
    body = {"login": "13800138000", "password": "x", "captcha_id": "c", "captcha_answer": "ABCD"}
    codes = [client.post("/api/v1/sessions", json=body, headers={"X-Forwarded-For": "203.0.113.9"}).status_code
             for _ in range(3)]
    assert codes[2] == 429 and app.extensions["rpc_client"].calls == 2


def test_only_the_throttled_views_resolve_limits(app, monkeypatch):
    """The extension's per-request check is skipped: every other answer (reference data above all) pays nothing."""
    limiter = app.extensions["throttle"]
    resolved = []
    real = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(limiter.limit_manager, "resolve_limits",
                        lambda *args, **kwargs: resolved.append(args[1]) or real(*args, **kwargs))
    client = app.test_client()
    assert client.get("/api/v1/upload-policies").status_code == 200
    assert resolved == []
    answer = client.post("/api/v1/captcha", headers={"X-Forwarded-For": "203.0.113.10"})
    assert answer.status_code == 200 and resolved == ["identity.create_captcha"]
    assert answer.headers["X-RateLimit-Limit"] == "3"                  # the throttled view's headers as before
