"""The gateway's one error boundary and one JSON error shape: {code, message, errors}.

- AppError (from a service or the edge): its status, code, Chinese message and fields.
- HTTPException (routing, parsing, size limits): the status with a Chinese message; 405 names what is allowed.
- A dependency that is down or too slow (database, broker, object store, an RPC timeout), here or inside a
  service: 503 SERVICE_UNAVAILABLE.
- Anything else is a bug: 500 with a correlation id that is in the log; no internal text reaches the client.
"""
import logging
import re
import uuid

from flask import jsonify, request
from nameko.exceptions import RemoteError
from werkzeug.exceptions import HTTPException

from ausm_common.errors import AppError, ValidationFailed

log = logging.getLogger("gateway")

HTTP_MESSAGES = {
    400: ("BAD_REQUEST", "请求格式不正确"),
    401: ("NOT_AUTHENTICATED", "请先登录"),
    403: ("FORBIDDEN", "您无权进行此操作"),
    404: ("NOT_FOUND", "页面或记录不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持的请求方法"),
    413: ("PAYLOAD_TOO_LARGE", "提交的内容过大"),
    414: ("URI_TOO_LONG", "请求地址过长"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请求内容类型不正确"),
    422: ("INVALID_INPUT", "提交的信息有误，请按提示修改"),
    429: ("TOO_MANY_REQUESTS", "操作过于频繁，请稍后再试"),
    431: ("HEADERS_TOO_LARGE", "请求头过大"),
}
UNAVAILABLE = ("SERVICE_UNAVAILABLE", "系统繁忙，请稍后再试")

# Failures of what the platform depends on, by class (module.name), anywhere in the exception's MRO.
DEPENDENCY_FAILURES = frozenset({
    "sqlalchemy.exc.OperationalError", "sqlalchemy.exc.InterfaceError", "sqlalchemy.exc.DisconnectionError",
    "sqlalchemy.exc.TimeoutError",                                        # database (pool timeout too)
    "psycopg2.OperationalError", "psycopg2.InterfaceError",
    "kombu.exceptions.OperationalError", "amqp.exceptions.ConnectionError",   # broker
    "nameko.exceptions.RpcTimeout", "nameko.exceptions.UnknownService",
    "urllib3.exceptions.MaxRetryError", "urllib3.exceptions.ProtocolError",  # object store (minio)
    "urllib3.exceptions.TimeoutError", "minio.error.ServerError",
    "builtins.ConnectionError", "builtins.TimeoutError", "socket.gaierror",  # sockets
    "eventlet.timeout.Timeout",
})
# The same failures inside a service arrive as RemoteError naming only the class.
REMOTE_DEPENDENCY_FAILURES = frozenset({name.rsplit(".", 1)[1] for name in DEPENDENCY_FAILURES} | {
    "ConnectionRefusedError", "ConnectionResetError", "ConnectionAbortedError", "BrokenPipeError",
    "RecoverableConnectionError", "NewConnectionError", "ConnectTimeoutError", "ReadTimeoutError",
})


def is_dependency_failure(exc: BaseException) -> bool:
    if isinstance(exc, RemoteError):
        return exc.exc_type in REMOTE_DEPENDENCY_FAILURES
    return any(f"{cls.__module__}.{cls.__qualname__}" in DEPENDENCY_FAILURES for cls in type(exc).__mro__)


def error_response(status: int, code: str, message: str, errors: dict | None = None, **extra):
    body = {"code": code, "message": message, "errors": errors or {}}
    body.update(extra)
    return jsonify(body), status


# --- validation messages (webargs / marshmallow) in Chinese ---------------------------------

_KNOWN = {
    "Missing data for required field.": "此项为必填项", "Field may not be null.": "此项为必填项",
    "Unknown field.": "不支持的字段", "Invalid input type.": "格式不正确", "Invalid value.": "取值不正确",
    "Not a valid string.": "格式不正确", "Not a valid boolean.": "格式不正确", "Not a valid integer.": "格式不正确",
    "Not a valid number.": "格式不正确", "Not a valid list.": "格式不正确", "Not a valid mapping type.": "格式不正确",
    "Not a valid datetime.": "格式不正确", "Not a valid date.": "格式不正确", "Invalid JSON body.": "格式不正确",
}
_PATTERNS = [
    (re.compile(r"Longer than maximum length (\d+)\."), "长度不能超过{0}个字符"),
    (re.compile(r"Shorter than minimum length (\d+)\."), "长度不能少于{0}个字符"),
    (re.compile(r"Length must be between (\d+) and (\d+)\."), "长度应为{0}～{1}个字符"),
    (re.compile(r"Must be one of: .*"), "取值不正确"),
    (re.compile(r"Must be (greater|less) than .*"), "数值超出范围"),
]


def chinese(message: str) -> str:
    if message in _KNOWN:
        return _KNOWN[message]
    for pattern, text in _PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return text.format(*match.groups())
    return message


def field_errors(messages, prefix: str = "") -> dict:
    """marshmallow's nested messages ({field: [msg]} or {field: {0: {sub: [msg]}}}) as {"field.0.sub": msg}."""
    if isinstance(messages, (list, tuple)):
        first = messages[0] if messages else ""
        if isinstance(first, (dict, list, tuple)):
            return field_errors(first, prefix)
        return {prefix or "_schema": chinese(str(first))}
    if isinstance(messages, dict):
        out = {}
        for key, value in messages.items():
            out.update(field_errors(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix or "_schema": chinese(str(messages))}


def _http_error(exc: HTTPException):
    code, message = HTTP_MESSAGES.get(exc.code, ("HTTP_ERROR", "请求无法处理"))
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    errors = {}
    if isinstance(messages, dict):   # webargs: {location: {field: [msg]}}
        for located in messages.values():
            errors.update(field_errors(located))
    response, status = error_response(exc.code or 500, code, message, errors)
    allowed = getattr(exc, "valid_methods", None)
    if exc.code == 405 and allowed:
        response.headers["Allow"] = ", ".join(sorted(allowed))
    return response, status


def unexpected(exc: BaseException):
    if is_dependency_failure(exc):
        log.warning("dependency unavailable on %s %s: %r", request.method, request.path, exc)
        return _page_or(503, None, None) or error_response(503, *UNAVAILABLE)
    correlation = uuid.uuid4().hex[:12]
    log.error("unexpected error %s on %s %s", correlation, request.method, request.path, exc_info=exc)
    return _page_or(500, None, correlation) or error_response(
        500, "INTERNAL_ERROR", f"系统异常，请稍后再试（错误编号 {correlation}）", correlation_id=correlation)


def _page_or(status: int, message: str | None, correlation: str | None):
    """A page request's error as the error page (error_pages.py); None for everything else."""
    from . import error_pages
    return error_pages.render(status, message, correlation) if error_pages.wants_page() else None


def register(app):
    @app.errorhandler(AppError)
    def app_error(exc: AppError):
        return _page_or(exc.status, exc.message, exc.extra.get("correlation_id")) or \
            error_response(exc.status, exc.code, exc.message, exc.errors, **exc.extra)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return (_page_or(exc.code, None, None) if (exc.code or 500) >= 400 else None) or _http_error(exc)

    app.register_error_handler(Exception, unexpected)


def validation_failed(messages) -> ValidationFailed:
    """A body checked in a view (multipart `data`) fails with the same shape and language as the rest."""
    return ValidationFailed("INVALID_INPUT", HTTP_MESSAGES[422][1], field_errors(messages))
