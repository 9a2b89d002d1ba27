"""The exam list and the province table are what everyone asks for when a window opens: served from a small
per-process TTL cache with an ETag, so a burst costs one RPC per TTL and per gateway process, and a browser that
has the page already gets 304.

Staff changes made through this process drop the cache at once; other gateway processes follow within the TTL
(REFERENCE_CACHE_SECONDS, default 5). The window state (未开始 / 点击进入 / 已结束) is computed by the service at
fill time, so it too is at most that many seconds old. (Meant to move onto the shared reference-data cache with
event invalidation when that lands.)
"""
import hashlib
import json
import threading
import time

from flask import Response, request

from ausm_common.config import env_int

from .cache import SECURITY_HEADERS

JSON = "application/json"
_lock = threading.Lock()
_entries: dict[str, tuple[float, bytes, str, tuple]] = {}


def ttl() -> int:
    return env_int("REFERENCE_CACHE_SECONDS", 5)


def clear():
    with _lock:
        _entries.clear()


def cached_json(key: str, produce) -> Response:
    """`produce()` at most once per TTL for `key`; the answer carries an ETag and honours If-None-Match. It is the
    same for everyone, so it sets no cookie (cache.is_reference): `Cache-Control: public` must never carry one
    browser's CSRF cookie to another through a shared cache. What a request costs beyond the bytes is kept to a
    dictionary lookup and a header comparison (the headers are built once per fill)."""
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is None or entry[0] <= now:
        body = json.dumps(produce(), ensure_ascii=False, separators=(",", ":")).encode()
        seconds = ttl()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        entry = (now + seconds, body, etag, (("ETag", etag), ("Cache-Control", f"public, max-age={seconds}"),
                                             *SECURITY_HEADERS))
        with _lock:
            _entries[key] = entry
    _, body, etag, headers = entry
    if etag in request.environ.get("HTTP_IF_NONE_MATCH", ""):
        response = Response(status=304, headers=headers)
    else:
        response = Response(body, headers=headers, content_type=JSON)
    response.is_reference = True
    return response
