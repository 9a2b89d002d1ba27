"""The gateway's reference-data cache: ETags and 304s, invalidation by event, TTL, and what it never stores."""
import threading
from types import SimpleNamespace

import pytest
from flask import Blueprint, Flask, request

from gateway import cache
from gateway.cache import InvalidationListener, ReferenceCache, reference_data


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


class Source:
    """What the owning service would answer, and how often it was asked."""

    def __init__(self):
        self.calls = 0
        self.name = "浙江省财政厅"
        self.before_answer = None

    def departments(self, parent):
        self.calls += 1
        if self.before_answer:
            self.before_answer()
        return [{"code": "330000", "name": self.name, "parent_code": parent}]


@pytest.fixture
def source():
    return Source()


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def app(source, clock):
    app = Flask(__name__)
    app.config["AMQP_URI"] = "pyamqp://guest:guest@127.0.0.1:1/"
    cache.init_app(app)
    app.extensions["reference_cache"] = ReferenceCache(clock=clock)
    app.extensions["reference_cache"].live.set()           # as if the listener were connected
    app.extensions["reference_listener"] = SimpleNamespace(ensure_started=lambda: None)
    blp = Blueprint("t", __name__)

    @blp.route("/departments")
    @reference_data("profile", "departments", ttl=60)
    def departments():
        return source.departments(request.args.get("parent"))

    @blp.route("/options")
    @reference_data("profile", "collection_options", ttl=60)
    def options():
        return {"scopes": ["accountant"]}

    app.register_blueprint(blp)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


def ref_cache(app) -> ReferenceCache:
    return app.extensions["reference_cache"]


def test_second_read_comes_from_memory_with_the_same_strong_etag(client, source):
    first = client.get("/departments?parent=000000")
    second = client.get("/departments?parent=000000")
    assert first.status_code == second.status_code == 200
    assert first.get_json() == [{"code": "330000", "name": "浙江省财政厅", "parent_code": "000000"}]
    assert first.data == second.data
    assert source.calls == 1
    etag, weak = first.get_etag()
    assert etag and not weak and second.get_etag() == (etag, False)
    assert first.headers["Cache-Control"] == "public, no-cache"
    assert first.mimetype == "application/json"


def test_if_none_match_gets_304_without_body_or_service_call(client, source):
    etag = client.get("/departments").get_etag()[0]
    again = client.get("/departments", headers={"If-None-Match": f'"{etag}"'})
    assert again.status_code == 304 and again.data == b""
    assert again.get_etag() == (etag, False) and again.headers["Cache-Control"] == "public, no-cache"
    assert client.get("/departments", headers={"If-None-Match": '"something-else"'}).status_code == 200
    assert source.calls == 1


def test_invalidation_drops_the_kind_so_the_next_read_has_new_bytes_and_a_new_etag(app, client, source):
    old = client.get("/departments")
    client.get("/options")
    source.name = "浙江省财政厅（新）"
    assert ref_cache(app).invalidate("profile", "departments") == 1
    new = client.get("/departments")
    assert source.calls == 2 and "（新）" in new.get_json()[0]["name"]
    assert new.get_etag()[0] != old.get_etag()[0]
    assert client.get("/departments", headers={"If-None-Match": old.headers["ETag"]}).status_code == 200
    assert len(ref_cache(app)) == 2            # the options entry was not touched


def test_invalidating_a_whole_service_drops_all_its_kinds(app, client):
    client.get("/departments")
    client.get("/options")
    assert ref_cache(app).invalidate("profile") == 2
    assert ref_cache(app).invalidate("identity") == 0


def test_entries_expire_after_their_ttl(client, source, clock):
    client.get("/departments")
    clock.now += 59
    client.get("/departments")
    assert source.calls == 1
    clock.now += 2
    client.get("/departments")
    assert source.calls == 2


def test_query_order_does_not_matter_but_values_do(client, source):
    client.get("/departments?parent=330000&x=1")
    client.get("/departments?x=1&parent=330000")
    assert source.calls == 1
    client.get("/departments?parent=330100&x=1")
    assert source.calls == 2


def test_nothing_is_stored_while_invalidations_cannot_be_heard(app, client, source):
    ref_cache(app).live.clear()
    first = client.get("/departments")
    second = client.get("/departments", headers={"If-None-Match": first.headers["ETag"]})
    assert source.calls == 2 and len(ref_cache(app)) == 0
    assert second.status_code == 304               # browsers still revalidate cheaply


def test_a_load_overtaken_by_an_invalidation_is_not_stored(app, client, source):
    source.before_answer = lambda: ref_cache(app).invalidate("profile", "departments")
    client.get("/departments")
    source.before_answer = None
    client.get("/departments")
    assert source.calls == 2


def test_the_cache_is_bounded(clock):
    small = ReferenceCache(clock=clock, max_entries=3)
    small.live.set()
    for i in range(5):
        small.put("profile", "departments", i, b"[]", 60, small.generation("profile", "departments"))
    assert len(small) == 3
    assert small.get("profile", "departments", 0) is None and small.get("profile", "departments", 4) is not None


def test_sixteen_threads_reading_at_once_all_get_the_same_bytes(app, source):
    results, barrier = [], threading.Barrier(16)

    def read():
        with app.test_client() as c:
            barrier.wait()
            results.append(c.get("/departments").data)
    threads = [threading.Thread(target=read) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 16 and len(set(results)) == 1


def test_an_event_from_the_service_exchange_invalidates_that_service_and_kind(app, client, source):
    client.get("/departments")
    client.get("/options")
    listener = InvalidationListener("pyamqp://unused/", ref_cache(app), services=["profile"])
    message = SimpleNamespace(delivery_info={"exchange": "profile.events", "routing_key": cache.EVENT_TYPE})
    listener._on_event({"kind": "departments", "event_id": "e1"}, message)
    assert len(ref_cache(app)) == 1
    listener._on_event({"event_id": "e2"}, message)           # no kind: everything of that service
    assert len(ref_cache(app)) == 0


def test_the_listener_binds_each_service_events_exchange_like_nameko_declares_it():
    queue = InvalidationListener("pyamqp://unused/", ReferenceCache(), services=["profile", "exam"])._queue()
    assert queue.exclusive and queue.auto_delete
    assert sorted((b.exchange.name, b.exchange.type, b.exchange.durable, b.routing_key) for b in queue.bindings) == [
        ("exam.events", "topic", True, "reference_data_changed"),
        ("profile.events", "topic", True, "reference_data_changed")]


def test_reference_answers_set_no_csrf_cookie_other_answers_do(app, client):
    from gateway.auth import CSRF_COOKIE, ensure_csrf_cookie

    app.config["COOKIE_SECURE"] = False
    app.add_url_rule("/page", "page", lambda: "ok")
    app.after_request(ensure_csrf_cookie)
    assert "Set-Cookie" not in client.get("/departments").headers
    assert CSRF_COOKIE in client.get("/page").headers["Set-Cookie"]
