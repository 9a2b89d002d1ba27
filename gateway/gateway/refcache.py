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

from flask import Response, current_app, request

from ausm_common.config import env_int

_lock = threading.Lock()
_entries: dict[str, tuple[float, bytes, str]] = {}


def ttl() -> int:
    return env_int("REFERENCE_CACHE_SECONDS", 5)


def clear():
    with _lock:
        _entries.clear()


def cached_json(key: str, produce) -> Response:
    """`produce()` at most once per TTL for `key`; the answer carries an ETag and honours If-None-Match."""
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
    if entry is None or entry[0] <= now:
        body = json.dumps(produce(), ensure_ascii=False, separators=(",", ":")).encode()
        entry = (now + ttl(), body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')
        with _lock:
            _entries[key] = entry
    _, body, etag = entry
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={ttl()}"}
    if etag in request.headers.get("If-None-Match", ""):
        response = Response(status=304, headers=headers)
    else:
        response = Response(body, mimetype=current_app.json.mimetype, headers=headers)
    response.is_reference = True   # shared by everyone (`public`): no per-browser cookie on it (cache.is_reference)
    return response
