"""gunicorn refuses some requests itself, before the app sees them: a request line longer than
limit_request_line (414), headers over limit_request_fields / limit_request_field_size (431), malformed HTTP
(400). Its answer is an HTML page; installed in the worker (wsgi.py), these answers take the API's JSON
error shape and Chinese messages instead."""
import json

from gunicorn import util

from .errors import HTTP_MESSAGES

SERVER_MESSAGES = {**HTTP_MESSAGES, 417: ("EXPECTATION_FAILED", "不支持的 Expect 请求头"),
                   500: ("INTERNAL_ERROR", "系统异常，请稍后再试"), 501: ("NOT_IMPLEMENTED", "不支持的传输编码")}


def error_bytes(status: int, reason: str) -> bytes:
    code, message = SERVER_MESSAGES.get(status, ("BAD_REQUEST", "请求格式不正确"))
    body = json.dumps({"code": code, "message": message, "errors": {}}, ensure_ascii=False).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


def write_json_error(sock, status_int, reason, mesg):
    """Same signature as gunicorn.util.write_error; gunicorn's own text (mesg) is only logged by gunicorn."""
    util.write_nonblock(sock, error_bytes(status_int, reason))


def install():
    util.write_error = write_json_error
