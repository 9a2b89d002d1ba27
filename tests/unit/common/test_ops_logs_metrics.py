"""JSON log lines with the request id, request-id hygiene, and how the kit names metric outcomes and ports."""
import io
import json
import logging
import threading

import pytest

from ausm_common import logs, registry, telemetry
from ausm_common.errors import AppError, Conflict, Unavailable


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("ausm.test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield logger, lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)
    logs.clear()


def test_a_line_is_one_json_object_with_the_bound_request_id_and_extra_fields(captured):
    logger, lines = captured
    logs.bind_request("req-123", entrypoint="add_note")
    logger.info("rpc %s.%s %s", "sample", "add_note", "ok", extra={"duration_ms": 1.5, "via": "gateway"})
    logs.clear()
    logger.warning("outside any request: 中文 stays readable")
    first, second = lines()
    assert first["event"] == "rpc sample.add_note ok" and first["request_id"] == "req-123"
    assert first["entrypoint"] == "add_note" and first["duration_ms"] == 1.5 and first["via"] == "gateway"
    assert first["level"] == "info" and first["logger"] == "ausm.test.logs" and first["ts"].endswith("Z")
    assert "request_id" not in second and second["event"] == "outside any request: 中文 stays readable"


def test_exceptions_are_rendered_inside_the_json_line(captured):
    logger, lines = captured
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("failed")
    line = lines()[0]
    assert line["event"] == "failed" and "RuntimeError: boom" in line["exception"]


def test_each_thread_has_its_own_request_id(captured):
    logger, lines = captured
    barrier = threading.Barrier(4)

    def work(n):
        logs.bind_request(f"req-{n}")
        barrier.wait()
        logger.info("working", extra={"n": n})
    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert {(line["n"], line["request_id"]) for line in lines()} == {(n, f"req-{n}") for n in range(4)}


@pytest.mark.parametrize("value, kept", [("abc-123_x.y:z", True), ("a" * 64, True), ("a" * 65, False),
                                         ("bad id", False), ("x\ny", False), ("abc\n", False), ("", False), (None, False),
                                         ("<script>", False), (12, False)])
def test_only_sane_request_ids_are_kept(value, kept):
    assert (logs.clean_request_id(value) is not None) is kept
    assert len(logs.new_request_id()) == 16


def test_rpc_outcomes():
    def info(exc):
        return (type(exc), exc, None)
    assert telemetry.rpc_outcome(None) == "ok"
    assert telemetry.rpc_outcome(info(Conflict("X", "冲突"))) == "rejected"
    assert telemetry.rpc_outcome(info(AppError("X", "错误"))) == "rejected"
    assert telemetry.rpc_outcome(info(Unavailable("SERVICE_UNAVAILABLE", "忙"))) == "unavailable"
    assert telemetry.rpc_outcome(info(RuntimeError("bug"))) == "error"


def test_metrics_ports_default_per_service_and_can_be_set_or_turned_off(monkeypatch):
    monkeypatch.delenv("METRICS_PORT", raising=False)
    names = registry.names()
    assert [telemetry.configured_port({}, n) for n in names] == [9101 + i for i in range(len(names))]
    assert telemetry.configured_port({"METRICS_PORT": 9100}, "identity") == 9100
    monkeypatch.setenv("METRICS_PORT", "0")
    assert telemetry.configured_port({}, "identity") == 0
    monkeypatch.setenv("METRICS_PORT", "off")
    assert telemetry.configured_port({}, "identity") is None

