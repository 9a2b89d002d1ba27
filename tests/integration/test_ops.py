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
