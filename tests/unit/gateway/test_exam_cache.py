"""The gateway's reference-data cache for the exam list and province tables: one call per TTL, ETag and 304,
dropped on a staff change made through the same process."""
from gateway import create_app
from gateway import refcache


class Counting:
    def __init__(self):
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return {"rows": [{"region_code": "330000", "region_name": "浙江省"}], "n": self.calls}


def test_cached_json_serves_one_answer_per_ttl_with_an_etag(monkeypatch):
    app = create_app({"TESTING": True, "SANDBOX": True})
    refcache.clear()
    produce = Counting()
    with app.test_request_context("/api/v1/exams/x/provinces"):
        first = refcache.cached_json("provinces:x", produce)
        second = refcache.cached_json("provinces:x", produce)
    assert produce.calls == 1 and first.get_data() == second.get_data()
    assert "浙江省" in first.get_data(as_text=True) and first.headers["Cache-Control"] == "public, max-age=5"
    with app.test_request_context("/api/v1/exams/x/provinces", headers={"If-None-Match": first.headers["ETag"]}):
        assert refcache.cached_json("provinces:x", produce).status_code == 304
    refcache.clear()
    with app.test_request_context("/api/v1/exams/x/provinces"):
        third = refcache.cached_json("provinces:x", produce)
    assert produce.calls == 2 and third.headers["ETag"] != first.headers["ETag"]


def test_entries_expire_after_the_ttl(monkeypatch):
    app = create_app({"TESTING": True, "SANDBOX": True})
    refcache.clear()
    monkeypatch.setenv("REFERENCE_CACHE_SECONDS", "0")
    produce = Counting()
    with app.test_request_context("/api/v1/exams"):
        refcache.cached_json("exams", produce)
        refcache.cached_json("exams", produce)
    assert produce.calls == 2
    refcache.clear()


class ExamOnly:
    """Stands in for the RPC client: the exam list."""

    def call(self, service, method, args=(), kwargs=None, context=None, timeout=None):
        return [{"id": "p1", "year": 2027, "level": "junior", "level_label": "初级", "name": "2027年初级",
                 "subjects": []}]


def test_the_cached_answer_is_public_so_it_sets_no_cookie_and_carries_the_security_headers():
    app = create_app({"TESTING": True, "SANDBOX": True})
    app.extensions["rpc_client"] = ExamOnly()
    refcache.clear()
    first = app.test_client().get("/api/v1/exams")            # a browser with no cookie yet, as in the opening hour
    assert first.status_code == 200 and first.json[0]["id"] == "p1"
    assert "Set-Cookie" not in first.headers and first.headers["Cache-Control"].startswith("public")
    assert first.headers["X-Frame-Options"] == "DENY" and first.headers["Content-Security-Policy"]
    again = app.test_client().get("/api/v1/exams", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "Set-Cookie" not in again.headers
    assert "Set-Cookie" in app.test_client().get("/api/v1/upload-policies").headers   # other answers still do
    refcache.clear()


def test_a_public_cached_answer_sets_no_cookie(monkeypatch):
    """`public` answers may be kept by a shared cache in front: a per-browser cookie (CSRF) must not ride on them."""
    app = create_app({"TESTING": True, "SANDBOX": True})
    refcache.clear()
    produce = Counting()

    @app.get("/_test/provinces")
    def provinces():
        return refcache.cached_json("provinces:cookie", produce)

    answer = app.test_client().get("/_test/provinces")
    assert answer.status_code == 200 and answer.headers["Cache-Control"].startswith("public")
    assert "Set-Cookie" not in answer.headers
    refcache.clear()
