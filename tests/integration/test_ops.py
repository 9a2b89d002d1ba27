"""Operations, proven on the sample service running as a real `nameko run` process (tests/support/sample_service)
behind the real gateway app: one request id followed from the gateway through an RPC call and the event it
caused into the consumer's log; Prometheus metrics and probes on the service's metrics port; a SIGTERM during an
in-flight call still answers it."""
import io
import json
import logging
import os
import signal
import threading
import time
import uuid

import pytest
import requests

from ausm_common.logs import JsonFormatter
from ausm_common.telemetry import free_port
from tests.integration.test_kit import (SAMPLE, SampleProcess, applied, sample_db, sample_vhost,  # noqa: F401
                                        wait_for)
from tests.integration.test_kit import db  # noqa: F401


def start_sample(env_extra, log_path, vhost, database):
    env = {**os.environ, "AMQP_URI": vhost, "SAMPLE_DATABASE_URL": database, "SANDBOX": "true",
           "PYTHONPATH": f"{SAMPLE}:{os.environ.get('PYTHONPATH', '')}", "EVENT_MAX_ATTEMPTS": "4",
           "EVENT_RETRY_BASE_SECONDS": "0.2", **env_extra}
    env.pop("LOG_FORMAT", None)
    process = SampleProcess(env, log_path)
    process.start()
    return process


def wait_ready(port, process, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if process.proc.poll() is not None:
            raise RuntimeError(f"sample service exited; see {process.log}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"sample service not ready; see {process.log}")


@pytest.fixture(scope="module")
def ops_sample(sample_db, sample_vhost, tmp_path_factory):  # noqa: F811
    port = free_port()
    process = start_sample({"METRICS_PORT": str(port)}, tmp_path_factory.mktemp("ops") / "sample.log",
                           sample_vhost, sample_db)
    wait_ready(port, process)
    process.metrics_port = port
    yield process
    process.stop()


def log_lines(path) -> list[dict]:
    lines = []
    for raw in open(path, encoding="utf-8"):
        raw = raw.strip()
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


@pytest.fixture(scope="module")
def gateway(sample_vhost):  # noqa: F811
    from flask import request

    from gateway import create_app
    from gateway.rpc import services

    app = create_app({"SANDBOX": True, "TESTING": True, "AMQP_URI": sample_vhost, "RPC_TIMEOUT": 10})

    def note():
        return services.sample.add_note({"key": request.args["key"], "text": "来自网关"})
    app.add_url_rule("/_ops_test/note", "ops_test_note", note)
    return app


def test_one_request_id_is_followed_from_the_gateway_through_rpc_and_events(ops_sample, gateway, db):  # noqa: F811
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(JsonFormatter())
    logging.getLogger("ausm.http").addHandler(handler)
    try:
        key, request_id = uuid.uuid4().hex[:12], f"ops-{uuid.uuid4().hex[:10]}"
        answer = gateway.test_client().get(f"/_ops_test/note?key={key}", headers={"X-Request-Id": request_id})
        assert answer.status_code == 200 and answer.headers["X-Request-Id"] == request_id
        made_up = gateway.test_client().get("/livez", headers={"X-Request-Id": "bad id {}"})
        assert made_up.headers["X-Request-Id"] != "bad id {}" and len(made_up.headers["X-Request-Id"]) == 16
        wait_for(lambda: applied(db, key) == 1, what="the event")
    finally:
        logging.getLogger("ausm.http").removeHandler(handler)
    gateway_lines = [json.loads(line) for line in captured.getvalue().splitlines()]
    assert any(line.get("request_id") == request_id and line["status"] == 200
               and line["endpoint"] == "/_ops_test/note" for line in gateway_lines), gateway_lines

    def mine():
        return [line for line in log_lines(ops_sample.log) if line.get("request_id") == request_id]
    wait_for(lambda: any(line.get("handler") == "handle_noted" for line in mine()), what="the consumer's line")
    lines = mine()
    rpc = [line for line in lines if line.get("rpc") == "sample.add_note"]
    consumed = [line for line in lines if line.get("handler") == "handle_noted"]
    assert rpc and rpc[0]["outcome"] == "ok" and rpc[0]["via"] == "gateway" and rpc[0]["process"] == "sample"
    assert consumed and consumed[0]["outcome"] == "applied" and consumed[0]["entrypoint"] == "handle_noted"
    assert all(line["level"] and line["ts"] for line in lines)


def scrape(url) -> str:
    answer = requests.get(url, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain")
    return answer.text


def sample_value(text, name, **labels) -> float | None:
    from prometheus_client.parser import text_string_to_metric_families
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


def test_a_service_counts_and_times_its_calls_events_and_queues_on_its_metrics_port(ops_sample, db):  # noqa: F811
    from ausm_common.errors import AppError
    from ausm_common.rpc import RpcClient

    client = RpcClient(ops_sample.env["AMQP_URI"], timeout=10, name="ops-tests")
    try:
        key = uuid.uuid4().hex[:12]
        client.sample.add_note({"key": key, "text": "计数"})
        with pytest.raises(AppError):
            client.sample.add_note({"key": key, "text": "计数"})        # 409: rejected
        with pytest.raises(AppError):
            client.sample.explode()                                       # 500: error
        wait_for(lambda: applied(db, key) == 1, what="the event")
    finally:
        client.close()
    url = f"http://127.0.0.1:{ops_sample.metrics_port}"
    text = wait_for(lambda: (lambda t: t if sample_value(t, "ausm_events_total", handler="handle_noted",
                                                         outcome="applied") else None)(scrape(f"{url}/metrics")),
                    what="the event counted")
    assert sample_value(text, "ausm_rpc_calls_total", service="sample", method="add_note", outcome="ok") >= 1
    assert sample_value(text, "ausm_rpc_calls_total", service="sample", method="add_note", outcome="rejected") >= 1
    assert sample_value(text, "ausm_rpc_calls_total", service="sample", method="explode", outcome="error") >= 1
    assert sample_value(text, "ausm_rpc_duration_seconds_count", service="sample", method="add_note") >= 2
    assert sample_value(text, "ausm_rpc_duration_seconds_bucket", service="sample", method="add_note",
                        le="+Inf") >= 2
    assert sample_value(text, "ausm_outbox_published_total", service="sample") >= 1
    assert sample_value(text, "ausm_event_duration_seconds_count", service="sample", handler="handle_noted") >= 1
    assert sample_value(text, "ausm_worker_pool_size", service="sample") == 10
    assert sample_value(text, "ausm_worker_pool_in_use", service="sample") is not None
    assert sample_value(text, "ausm_outbox_backlog", service="sample") is not None
    assert sample_value(text, "ausm_dead_letters", service="sample", status="parked") is not None
    assert sample_value(text, "ausm_queue_consumers", service="sample", queue="rpc-sample") >= 1
    assert sample_value(text, "ausm_queue_messages", service="sample",
                        queue="evt-sample-noted--sample.handle_noted") is not None
    assert sample_value(text, "ausm_ready", service="sample") == 1
    live, ready = requests.get(f"{url}/healthz", timeout=5), requests.get(f"{url}/readyz", timeout=5)
    assert live.status_code == 200 and live.json()["status"] == "alive"
    assert ready.status_code == 200 and ready.json()["checks"] == {"draining": False, "database": True,
                                                                   "amqp_consumers": True}


def test_the_gateway_counts_requests_by_endpoint_and_status(gateway):
    client = gateway.test_client()
    client.get("/livez")
    client.get("/no/such/page")
    text = client.get("/metrics").get_data(as_text=True)
    assert sample_value(text, "ausm_http_requests_total", method="GET", endpoint="/livez", status="200") >= 1
    assert sample_value(text, "ausm_http_requests_total", method="GET", endpoint="<unmatched>", status="404") >= 1
    assert sample_value(text, "ausm_http_request_duration_seconds_count", method="GET", endpoint="/livez") >= 1


def test_sigterm_during_an_in_flight_call_still_answers_it_and_reports_draining(sample_db, tmp_path):  # noqa: F811
    import redis

    from ausm_common.config import redis_url
    from ausm_common.rpc import RpcClient
    from tests.support import infra

    port, mark = free_port(), uuid.uuid4().hex
    hooks = redis.Redis.from_url(redis_url())
    with infra.rabbit_vhost("ausm_term") as vhost:   # this instance alone consumes rpc-sample here
        process = start_sample({"METRICS_PORT": str(port)}, tmp_path / "sample-term.log", vhost, sample_db)
        client = RpcClient(vhost, timeout=20, name="ops-term")
        try:
            _sigterm_during_a_call(process, client, port, hooks, mark)
        finally:
            client.close()
            process.stop()


def _sigterm_during_a_call(process, client, port, hooks, mark):
    wait_ready(port, process)
    answers, errors = [], []

    def call():
        try:
            answers.append(client.sample.nap(3, mark))
        except Exception as exc:   # reported below
            errors.append(exc)
    caller = threading.Thread(target=call)
    caller.start()
    wait_for(lambda: hooks.get(f"started:{mark}"), what="the call in flight (it naps 3 s)")
    process.proc.send_signal(signal.SIGTERM)
    seen = []
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            answer = requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2)
        except requests.RequestException as exc:
            seen.append(type(exc).__name__)
            break
        seen.append(answer.status_code)
        if answer.status_code == 503:
            break
        time.sleep(0.1)
    assert seen[-1] == 503 and answer.json()["checks"]["draining"] is True, (seen, process.log)
    caller.join(20)
    assert errors == [] and answers == [{"slept": 3.0}]
    assert process.proc.wait(20) == 0
