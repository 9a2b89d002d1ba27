"""The error boundary: a dependency that is down is 503, anything else unexpected is 500 with a correlation id
and no internal text; refusals keep their status and shape."""
import logging
import socket

import amqp.exceptions
import kombu.exceptions
import psycopg2
import pytest
import sqlalchemy.exc
import urllib3.exceptions
from minio.error import ServerError
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService

from ausm_common.errors import Conflict, Unavailable
from gateway import create_app
from gateway.errors import field_errors, is_dependency_failure

DOWN = [
    sqlalchemy.exc.OperationalError("SELECT 1", {}, psycopg2.OperationalError("connection refused")),
    sqlalchemy.exc.InterfaceError("SELECT 1", {}, psycopg2.InterfaceError("connection already closed")),
    sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 0 reached"),
    psycopg2.OperationalError("server closed the connection unexpectedly"),
    kombu.exceptions.OperationalError("[Errno 111] Connection refused"),
    amqp.exceptions.RecoverableConnectionError("connection already closed"),
    ConnectionRefusedError(111, "Connection refused"),
    ConnectionResetError(104, "Connection reset by peer"),
    socket.timeout("timed out"),
    socket.gaierror(-2, "Name or service not known"),
    RpcTimeout(10),
    UnknownService("profile"),
    urllib3.exceptions.MaxRetryError(None, "http://127.0.0.1:9000/ausm", "refused"),
    urllib3.exceptions.NewConnectionError(None, "refused"),
    urllib3.exceptions.ProtocolError("Connection aborted."),
    ServerError("server failed", 503),
    RemoteError("OperationalError", "(psycopg2.OperationalError) could not connect to server"),
    RemoteError("RpcTimeout", "10"),
    RemoteError("MaxRetryError", "HTTPConnectionPool(host='minio', port=9000)"),
    RemoteError("ConnectionRefusedError", "[Errno 111] Connection refused"),
]
BUGS = [
    ValueError("invalid literal for int() with base 10: 'x'"),
    KeyError("token"),
    TypeError("'NoneType' object is not subscriptable"),
    RecursionError("maximum recursion depth exceeded"),
    sqlalchemy.exc.DataError("SELECT", {}, psycopg2.DataError("invalid input syntax for type uuid")),
    sqlalchemy.exc.IntegrityError("INSERT", {}, psycopg2.IntegrityError("duplicate key")),
    RemoteError("ValueError", "A string literal cannot contain NUL (0x00) characters."),
    RemoteError("DataError", "(psycopg2.errors.InvalidTextRepresentation)"),
    RemoteError("KeyError", "'name'"),
]


@pytest.mark.parametrize("exc", DOWN, ids=lambda e: type(e).__name__ + ":" + getattr(e, "exc_type", ""))
def test_dependency_failures_are_recognised(exc):
    assert is_dependency_failure(exc)


@pytest.mark.parametrize("exc", BUGS, ids=lambda e: type(e).__name__ + ":" + getattr(e, "exc_type", ""))
def test_bugs_are_not_dependency_failures(exc):
    assert not is_dependency_failure(exc)


@pytest.fixture(scope="module")
def raising_client():
    app = create_app({"SANDBOX": True, "TESTING": True, "AMQP_URI": "pyamqp://guest:guest@127.0.0.1:1/"})
    table = {str(i): exc for i, exc in enumerate(DOWN + BUGS + [Conflict("TAKEN", "该手机号已注册", {"phone": "已注册"}),
                                                                Unavailable("CHSI_DOWN", "学信网暂时无法访问")])}

    @app.route("/api/v1/raise/<key>")
    def raise_it(key):
        raise table[key]

    return app.test_client(), table


def _answers(client, table, exc):
    key = next(k for k, v in table.items() if v is exc)
    return client.get(f"/api/v1/raise/{key}")


@pytest.mark.parametrize("exc", DOWN, ids=lambda e: type(e).__name__)
def test_dependency_down_is_503_in_chinese(raising_client, exc):
    response = _answers(*raising_client, exc)
    assert response.status_code == 503
    assert response.get_json() == {"code": "SERVICE_UNAVAILABLE", "message": "系统繁忙，请稍后再试", "errors": {}}


@pytest.mark.parametrize("exc", BUGS, ids=lambda e: type(e).__name__)
def test_bug_is_500_with_correlation_id_and_no_internal_text(raising_client, exc, caplog):
    with caplog.at_level(logging.ERROR, logger="gateway"):
        response = _answers(*raising_client, exc)
    assert response.status_code == 500
    body = response.get_json()
    assert body["code"] == "INTERNAL_ERROR" and body["errors"] == {}
    assert len(body["correlation_id"]) == 12 and body["correlation_id"] in body["message"]
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and str(exc)[:20] not in text and type(exc).__name__ not in text
    assert body["correlation_id"] in caplog.text


def test_refusals_keep_their_status_and_fields(raising_client):
    client, table = raising_client
    conflict = next(v for v in table.values() if isinstance(v, Conflict))
    response = _answers(client, table, conflict)
    assert response.status_code == 409
    assert response.get_json() == {"code": "TAKEN", "message": "该手机号已注册", "errors": {"phone": "已注册"}}
    unavailable = next(v for v in table.values() if isinstance(v, Unavailable))
    assert _answers(client, table, unavailable).status_code == 503


def test_nested_validation_messages_become_field_paths_in_chinese():
    messages = {"segments": {0: {"school": ["Missing data for required field."]}},
                "name": ["Longer than maximum length 50."], "kind": ["Must be one of: a, b."]}
    assert field_errors(messages) == {"segments.0.school": "此项为必填项", "name": "长度不能超过50个字符",
                                      "kind": "取值不正确"}
