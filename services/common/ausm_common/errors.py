"""One family of error types with stable codes.

Registered with nameko so that they cross RPC as the same class; the gateway maps
each class to one HTTP status and answers ``{code, message, errors}``.
"""
import json

from nameko.exceptions import deserialize_to_instance


@deserialize_to_instance
class AppError(Exception):
    """A refusal the person can act on. ``message`` is Chinese, ``errors`` names fields."""

    status = 400

    def __init__(self, code: str, message: str, errors: dict | None = None, extra: dict | str | None = None):
        # nameko turns every non-string leaf of the args into text on the wire, so `extra`
        # (numbers, booleans) travels as one JSON string and is parsed back here.
        if isinstance(extra, str):
            extra = json.loads(extra) if extra else {}
        super().__init__(code, message, errors or {}, json.dumps(extra or {}, ensure_ascii=False))
        self.code = code
        self.message = message
        self.errors = errors or {}
        self.extra = extra or {}

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message, "errors": self.errors}
        if self.extra:
            body.update(self.extra)
        return body

    @classmethod
    def for_field(cls, code: str, message: str, field: str | None, extra: dict | None = None):
        return cls(code, message, {field: message} if field else {}, extra)


@deserialize_to_instance
class ValidationFailed(AppError):
    status = 422


@deserialize_to_instance
class NotAuthenticated(AppError):
    status = 401


@deserialize_to_instance
class Forbidden(AppError):
    status = 403


@deserialize_to_instance
class NotFound(AppError):
    status = 404


@deserialize_to_instance
class Conflict(AppError):
    status = 409


@deserialize_to_instance
class TooManyRequests(AppError):
    status = 429


def not_found(what: str = "记录") -> NotFound:
    return NotFound("NOT_FOUND", f"{what}不存在或无权查看")


def forbidden(message: str = "您无权进行此操作") -> Forbidden:
    return Forbidden("FORBIDDEN", message)


def schema_errors(errors: dict) -> ValidationFailed:
    """Turn marshmallow's messages into our error shape."""
    fields = {k: (v[0] if isinstance(v, list) and v else str(v)) for k, v in errors.items()}
    return ValidationFailed("INVALID_INPUT", "提交的信息有误，请按提示修改", fields)


@deserialize_to_instance
class Unavailable(AppError):
    """An outside provider (学信网, the qualification library, …) did not answer: try again later."""
    status = 503
