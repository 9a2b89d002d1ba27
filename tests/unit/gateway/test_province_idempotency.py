"""Idempotency-Key on the province API's POSTs: replayed answers, refused reuse, one effect under concurrency."""
import threading
import time

import fakeredis
import pytest
from flask import Flask, jsonify

from ausm_common.errors import AppError
from gateway.province.idempotency import IdempotencyStore, idempotent


@pytest.fixture
def app():
    server = fakeredis.FakeServer()
    store = IdempotencyStore(fakeredis.FakeRedis(server=server), "test", wait_seconds=5, poll_seconds=0.01)
    app = Flask(__name__)
    effects = []
    lock = threading.Lock()

    @app.errorhandler(AppError)
    def app_error(exc):
        return jsonify(exc.to_dict()), exc.status

    @app.post("/jobs")
    @idempotent(lambda: store, lambda: "pc_33_a")
    def create_job():
        time.sleep(0.2)           # long enough that duplicates arrive while it runs
        with lock:
            effects.append(1)
            number = len(effects)
        return jsonify({"job": number}), 201

    @app.post("/fails")
    @idempotent(lambda: store, lambda: "pc_33_a")
    def fails():
        effects.append("f")
        raise AppError("NOPE", "不行")

    app.effects = effects
    return app


def test_a_retry_with_the_same_key_replays_the_answer_without_a_second_effect(app):
    client = app.test_client()
    first = client.post("/jobs", data=b"a,b", headers={"Idempotency-Key": "k-1"})
    again = client.post("/jobs", data=b"a,b", headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json() == {"job": 1}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert app.effects == [1]


def test_the_same_key_with_a_different_body_is_refused_with_422(app):
    client = app.test_client()
    client.post("/jobs", data=b"a,b", headers={"Idempotency-Key": "k-2"})
    other = client.post("/jobs", data=b"a,c", headers={"Idempotency-Key": "k-2"})
    assert other.status_code == 422 and other.get_json()["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert app.effects == [1]


def test_without_a_key_every_post_acts(app):
    client = app.test_client()
    client.post("/jobs", data=b"x")
    client.post("/jobs", data=b"x")
    assert len(app.effects) == 2


def test_a_failed_request_releases_its_key_for_a_retry(app):
    client = app.test_client()
    assert client.post("/fails", data=b"x", headers={"Idempotency-Key": "k-3"}).status_code == 400
    assert client.post("/fails", data=b"x", headers={"Idempotency-Key": "k-3"}).status_code == 400
    assert app.effects == ["f", "f"]


def test_twenty_concurrent_duplicates_make_one_effect_and_one_answer(app):
    answers, barrier = [], threading.Barrier(20)

    def post():
        client = app.test_client()
        barrier.wait()
        response = client.post("/jobs", data=b"rows", headers={"Idempotency-Key": "k-par"})
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert app.effects == [1]
    assert answers == [(201, {"job": 1})] * 20


def test_an_unreachable_store_is_a_503_not_a_500():
    import redis
    store = IdempotencyStore(redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2), "test")
    app = Flask(__name__)

    @app.errorhandler(AppError)
    def app_error(exc):
        return jsonify(exc.to_dict()), exc.status

    @app.post("/jobs")
    @idempotent(lambda: store, lambda: "pc_33_a")
    def create_job():
        return jsonify({}), 201

    answer = app.test_client().post("/jobs", data=b"x", headers={"Idempotency-Key": "k"})
    assert answer.status_code == 503
