"""One JSON error shape: {code, message, errors}. Unexpected errors get a correlation id only."""
import logging
import uuid

from flask import jsonify, request
from nameko.exceptions import RemoteError, RpcTimeout, UnknownService
from werkzeug.exceptions import HTTPException

from ausm_common.errors import AppError

log = logging.getLogger("gateway")

HTTP_MESSAGES = {
    400: ("BAD_REQUEST", "请求格式不正确"),
    401: ("NOT_AUTHENTICATED", "请先登录"),
    403: ("FORBIDDEN", "您无权进行此操作"),
    404: ("NOT_FOUND", "页面或记录不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持的请求方法"),
    413: ("UPLOAD_TOO_LARGE", "上传的文件过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请求内容类型不正确"),
    422: ("INVALID_INPUT", "提交的信息有误，请按提示修改"),
    429: ("TOO_MANY_REQUESTS", "操作过于频繁，请稍后再试"),
}


def error_response(status: int, code: str, message: str, errors: dict | None = None, **extra):
    body = {"code": code, "message": message, "errors": errors or {}}
    body.update(extra)
    return jsonify(body), status


def _http_error(exc: HTTPException):
    code, message = HTTP_MESSAGES.get(exc.code, ("HTTP_ERROR", "请求无法处理"))
    errors = {}
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages") if isinstance(data, dict) else None
    if messages:   # flask-smorest / webargs validation: {location: {field: [msg]}}
        for fields in messages.values():
            for field, msgs in fields.items():
                errors[field] = _chinese(msgs[0] if isinstance(msgs, list) else str(msgs))
    return error_response(exc.code or 500, code, message, errors)


def _chinese(message: str) -> str:
    known = {"Missing data for required field.": "此项为必填项", "Not a valid string.": "格式不正确",
             "Field may not be null.": "此项为必填项", "Unknown field.": "不支持的字段",
             "Not a valid boolean.": "格式不正确"}
    return known.get(message, message)


def register(app):
    @app.errorhandler(AppError)
    def app_error(exc: AppError):
        return error_response(exc.status, exc.code, exc.message, exc.errors, **exc.extra)

    @app.errorhandler(HTTPException)
    def http_error(exc):
        return _http_error(exc)

    @app.errorhandler(RpcTimeout)
    @app.errorhandler(UnknownService)
    def unavailable(exc):
        log.warning("service unavailable on %s: %r", request.path, exc)
        return error_response(503, "SERVICE_UNAVAILABLE", "系统繁忙，请稍后再试")

    @app.errorhandler(RemoteError)
    @app.errorhandler(Exception)
    def unexpected(exc):
        correlation = uuid.uuid4().hex[:12]
        log.exception("unexpected error %s on %s", correlation, request.path)
        return error_response(500, "INTERNAL_ERROR", f"系统异常，请稍后再试（错误编号 {correlation}）",
                              correlation_id=correlation)
