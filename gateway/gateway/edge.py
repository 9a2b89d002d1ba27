"""The edge: every request's shape is checked once, before any view, parser or service sees it.

- A JSON body is at most MAX_JSON_BYTES, strict UTF-8, nested at most MAX_JSON_DEPTH deep, without NaN or
  Infinity; it is parsed here once and `request.get_json()` and the argument parser read that value.
- Text (query strings, path parameters, form fields, JSON strings and keys) holds no control characters:
  tab, line feed and carriage return are allowed anywhere (multi-line text); NUL, the other C0 and C1
  controls, DEL and lone surrogates never are (PostgreSQL refuses NUL, UTF-8 cannot carry a surrogate).
- A body under /api/ is JSON, a form or multipart; anything else is 415.

Refusals use the one error shape with Chinese messages and name the field.
"""
import json
import math
import re
from itertools import accumulate

from flask import Request, g, request
from webargs import core
from werkzeug.datastructures import CombinedMultiDict
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import RequestEntityTooLarge

from ausm_common.errors import AppError, ValidationFailed

MAX_JSON_BYTES = 1024 * 1024
MAX_JSON_DEPTH = 32
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_EMPTY = object()
RULES = (   # for the OpenAPI document's description
    "Every error answers {code, message, errors} (code a string, message in Chinese, errors: field -> message). "
    f"JSON bodies: UTF-8, at most {MAX_JSON_BYTES // 1024} KB, nested at most {MAX_JSON_DEPTH} deep, no NaN or "
    "Infinity (400 BAD_JSON / JSON_TOO_DEEP, 413 PAYLOAD_TOO_LARGE); under /api/ a body that is not JSON, a form "
    "or multipart is 415. No text (query, path, form, JSON strings and keys) may hold NUL, other C0/C1 control "
    "characters (tab, CR and LF are allowed) or lone surrogates: 422 INVALID_CHARACTERS naming the field. "
    "A dependency that is down answers 503 SERVICE_UNAVAILABLE. When more candidates arrive than the platform "
    "serves, /api/v1/exams… and /api/v1/exam/enrollments… answer 503 WAITING_ROOM with Retry-After and "
    "{position, eta_seconds, retry_after, ticket}: keep the ausm_queue cookie and ask again after Retry-After; the "
    "line is first come, first served.")


class BadRequest(AppError):
    status = 400


class PayloadTooLarge(AppError):
    status = 413


class UnsupportedMediaType(AppError):
    status = 415


def bad_json(field: str | None = None) -> BadRequest:
    message = "提交的数据不是有效的 JSON"
    return BadRequest("BAD_JSON", message, {field: message} if field else {})


def unsupported_media_type() -> UnsupportedMediaType:
    return UnsupportedMediaType("UNSUPPORTED_MEDIA_TYPE", "请求内容类型不正确，请以 JSON 提交")


def bad_characters(field: str) -> ValidationFailed:
    return ValidationFailed("INVALID_CHARACTERS", "提交的内容含有不允许的字符",
                            {field: "不能包含控制字符（如 NUL）或无效字符"})


# --- rules on plain values --------------------------------------------------------------

def has_forbidden(text: str) -> bool:
    return FORBIDDEN.search(text) is not None


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest, counted without parsing (so without recursion)."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", text))
    return max(accumulate(_STEP[c] for c in brackets), default=0)


def _finite(number: str) -> float:
    value = float(number)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(raw: bytes | str, field: str | None = None):
    """Strict JSON: UTF-8, depth ≤ MAX_JSON_DEPTH, finite numbers, no control characters in any string."""
    try:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError:
        raise bad_json(field) from None
    if nesting_depth(text) > MAX_JSON_DEPTH:
        raise BadRequest("JSON_TOO_DEEP", f"提交的数据嵌套过深（最多{MAX_JSON_DEPTH}层）",
                         {field: "嵌套过深"} if field else {})
    try:
        value = json.loads(text, parse_float=_finite, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise bad_json(field) from None
    bad = first_bad_string(value)
    if bad is not None:
        raise bad_characters(".".join(filter(None, [field, bad])) or "body")
    return value


def first_bad_string(value, path: str = "") -> str | None:
    """The path ("a.0.b") of the first string or key with a forbidden character, else None."""
    if isinstance(value, str):
        return path if has_forbidden(value) else None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        name = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and has_forbidden(key):
            return path or "body"
        found = first_bad_string(item, name)
        if found is not None:
            return found
    return None


def check_pairs(pairs, where: str):
    """Query, path or form (name, value) pairs; a bad name is reported as the place (`query`, …)."""
    for key, value in pairs:
        if not isinstance(key, str) or has_forbidden(key):     # a multipart part whose name did not parse: None
            raise bad_characters(where)
        if isinstance(value, str) and has_forbidden(value):
            raise bad_characters(key)


# --- the request hook ---------------------------------------------------------------------

def check_request():
    check_pairs(request.args.items(multi=True), "query")
    check_pairs((request.view_args or {}).items(), "path")
    if is_json_request(request):
        g.edge_json = _read_json_body()
    elif request.mimetype in FORM_TYPES:
        if request.mimetype == "application/x-www-form-urlencoded":
            # keep the raw bytes readable after the form is parsed: a payment channel's signature covers them
            request.get_data(cache=True)
        check_pairs(request.form.items(multi=True), "form")
    elif request.path.startswith("/api/") and _has_body() and not _raw_body_allowed():
        raise unsupported_media_type()


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def _read_json_body():
    request.max_content_length = min(MAX_JSON_BYTES, request.max_content_length or MAX_JSON_BYTES)
    try:
        raw = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise PayloadTooLarge("PAYLOAD_TOO_LARGE", f"提交的数据过大（最多{MAX_JSON_BYTES // 1024}KB）") from None
    if not raw.strip():
        return _EMPTY
    return parse_json(raw)


# Routes that take their body as data of another type (the province API's bulk imports: CSV, JSON lines).
BATCH_TYPES = ("text/csv", "application/csv", "application/x-ndjson", "application/jsonl", "application/x-jsonlines",
               "application/jsonlines")
RAW_BODY_ROUTES = {f"/api/province/v1/{name}": BATCH_TYPES for name in ("score-imports", "cpe-reports", "legacy-imports")}


def _raw_body_allowed() -> bool:
    return request.mimetype in RAW_BODY_ROUTES.get(request.path, ())


def json_body():
    """The request's JSON body as the edge parsed it; None when there is none."""
    value = g.get("edge_json", _EMPTY)
    return None if value is _EMPTY else value


def require_json_if_body():
    """For routes that take JSON or multipart: any other body (a url-encoded form) is 415."""
    if _has_body() and not (is_json_request(request) or request.mimetype == "multipart/form-data"):
        raise unsupported_media_type()


def json_object(value) -> dict:
    """A parsed body (or a multipart field's JSON) that must be an object; absent (None) means {}."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationFailed("BODY_INVALID", "提交的数据格式不正确", {"body": "应为 JSON 对象"})
    return value


class EdgeRequest(Request):
    """`request.get_json()` answers the body the edge parsed, so no view parses a body twice or loosely."""

    def get_json(self, force=False, silent=False, cache=True):
        if not (force or self.is_json):
            if silent:
                return None
            raise unsupported_media_type()
        return json_body()


class EdgeParser(FlaskParser):
    """flask-smorest's argument parser, reading the JSON body the edge parsed."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        value = g.get("edge_json", _EMPTY)
        return core.missing if value is _EMPTY else value

    def load_files(self, req, schema):
        """A multipart body is one thing: its files and its text parts (such as the JSON `data`) are read
        together, so one schema documents and checks the whole form."""
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


def install(app):
    """Call before any other before_request hook is registered: the edge runs first."""
    app.request_class = EdgeRequest
    app.before_request(check_request)
