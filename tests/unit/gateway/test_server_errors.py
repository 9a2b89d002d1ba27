"""gunicorn's own refusals (414, 431, malformed HTTP) answer JSON in the error shape, not an HTML page."""
import json
import socket

import pytest
from gunicorn import util

from gateway import server_errors


def _written(status, reason):
    left, right = socket.socketpair()
    with left, right:
        server_errors.write_json_error(left, status, reason, "<script>gunicorn's text</script>")
        left.shutdown(socket.SHUT_WR)
        data = b""
        while chunk := right.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.decode("latin-1").split("\r\n"), body


@pytest.mark.parametrize("status, reason, code", [
    (414, "URI Too Long", "URI_TOO_LONG"), (431, "Request Header Fields Too Large", "HEADERS_TOO_LARGE"),
    (400, "Bad Request", "BAD_REQUEST"), (501, "Not Implemented", "NOT_IMPLEMENTED"),
])
def test_gunicorn_refusals_are_json(status, reason, code):
    lines, body = _written(status, reason)
    assert lines[0] == f"HTTP/1.1 {status} {reason}"
    assert "Content-Type: application/json; charset=utf-8" in lines
    assert f"Content-Length: {len(body)}" in lines and "Connection: close" in lines
    answer = json.loads(body.decode("utf-8"))
    assert answer["code"] == code and answer["errors"] == {} and "gunicorn" not in answer["message"]


def test_install_replaces_gunicorns_html_writer():
    original = util.write_error
    try:
        server_errors.install()
        assert util.write_error is server_errors.write_json_error
    finally:
        util.write_error = original
