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
    """Turn marshmallow's messages into our error shape; nested ones are named by path ("segments.0.school")."""
    return ValidationFailed("INVALID_INPUT", "提交的信息有误，请按提示修改", _flat_messages(errors))


def _flat_messages(messages, prefix: str = "") -> dict:
    if isinstance(messages, dict):
        out = {}
        for key, value in messages.items():
            out.update(_flat_messages(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(messages, (list, tuple)) and messages:
        if isinstance(messages[0], (dict, list, tuple)):
            return _flat_messages(messages[0], prefix)
        return {prefix or "_schema": str(messages[0])}
    return {prefix or "_schema": str(messages)}


@deserialize_to_instance
class Unavailable(AppError):
    """A dependency (database, broker, store, another service, an outside provider such as 学信网) did not
    answer: try again later."""
    status = 503


@deserialize_to_instance
class InternalError(AppError):
    """A real bug. The person sees only a correlation id; the traceback stays in the service's log."""
    status = 500


def unavailable(message: str = "系统繁忙，请稍后再试") -> Unavailable:
    return Unavailable("SERVICE_UNAVAILABLE", message)


# --- what rules raise (no nameko, no HTTP): entrypoints turn these into AppErrors -----------------

class DomainError(Exception):
    """A broken rule: a stable code, a Chinese message for the person and the field it concerns."""

    status = 422

    def __init__(self, code: str, message: str, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.field, self.extra = code, message, field, extra or {}


class RuleViolations(DomainError):
    """Several broken rules at once, each a Problem-like object with code, message and field
    (`education.1.end_date`)."""

    def __init__(self, problems: list, code: str = "VALIDATION_FAILED", message: str = "请按提示修改标红的内容"):
        super().__init__(code, message)
        self.problems = list(problems)


class ProviderUnavailable(Exception):
    """An outside provider (学信网, the qualification library, an SMS gateway, a payment channel) did not answer."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


STATUS_CLASSES = {400: AppError, 401: NotAuthenticated, 403: Forbidden, 404: NotFound, 409: Conflict,
                  422: ValidationFailed, 429: TooManyRequests, 503: Unavailable}


def as_app_error(exc: DomainError) -> AppError:
    """The AppError an entrypoint raises for a broken rule (the rule's `status` picks the class)."""
    cls = STATUS_CLASSES.get(getattr(exc, "status", 422), ValidationFailed)
    if isinstance(exc, RuleViolations):
        errors = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, problem.message)
        single = len(exc.problems) == 1
        return cls(exc.problems[0].code if single else exc.code, exc.problems[0].message if single else exc.message,
                   errors, {"problems": [dict(vars(p)) for p in exc.problems]})
    return cls(exc.code, exc.message, {exc.field: exc.message} if exc.field else {}, exc.extra)
