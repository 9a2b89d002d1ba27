"""The province API's per-client rate limit: each client counted on its own, 429 with Retry-After."""
import pytest

from gateway.province import access, api


class FakeProfile:
    def province_candidates(self, query):
        return {"items": [], "total": 0, "page": 1, "per_page": 50}


class FakeServices:
    profile = FakeProfile()


@pytest.fixture
def throttled(make_app, monkeypatch):
    app = make_app(THROTTLE_PROVINCE_CLIENT="3/minute")
    monkeypatch.setattr(api, "services", FakeServices())

    def fake_client():
        from flask import g, request
        client_id = request.headers["Authorization"].split()[-1]
        g.province_client = g.caller = {"kind": "client", "client_id": client_id, "province_code": "330000",
                                        "scopes": ["candidates:read"]}
        return g.province_client

    monkeypatch.setattr(access, "current_client", fake_client)
    return app.test_client()


def test_a_client_over_its_limit_gets_429_with_retry_after(throttled):
    answers = [throttled.get("/api/province/v1/candidates", headers={"Authorization": "Bearer pc_a"})
               for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.get_json()["code"] == "TOO_MANY_REQUESTS"


def test_one_clients_burst_does_not_throttle_another(throttled):
    for _ in range(4):
        throttled.get("/api/province/v1/candidates", headers={"Authorization": "Bearer pc_a"})
    assert throttled.get("/api/province/v1/candidates", headers={"Authorization": "Bearer pc_b"}).status_code == 200


def test_the_limit_holds_under_fifty_concurrent_requests(make_app, monkeypatch):
    import threading
    app = make_app(THROTTLE_PROVINCE_CLIENT="10/minute")
    monkeypatch.setattr(api, "services", FakeServices())

    def fake_client():
        from flask import g
        g.province_client = g.caller = {"kind": "client", "client_id": "pc_burst", "province_code": "330000",
                                        "scopes": ["candidates:read"]}
        return g.province_client

    monkeypatch.setattr(access, "current_client", fake_client)
    codes, barrier = [], threading.Barrier(50)

    def call():
        client = app.test_client()
        barrier.wait()
        codes.append(client.get("/api/province/v1/candidates", headers={"Authorization": "Bearer x"}).status_code)

    threads = [threading.Thread(target=call) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes.count(200) == 10 and codes.count(429) == 40
