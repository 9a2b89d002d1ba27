"""`Idempotency-Key` on every POST of the province API: a retried request does nothing twice.

The first request with a (client, key) claims it in Redis (SET NX) with the hash of its body and runs; its answer
is stored for a day and replayed to every retry (`Idempotent-Replayed: true`). The same key with a different body
is refused with 422. Duplicates arriving while the first still runs wait for its answer (one effect, one answer),
or get 409 if it takes longer than the wait. A request that fails with an error releases the key, so the client
may retry it (the services apply a request whole or not at all).
"""
import functools
import hashlib
import json
import logging
import time

from flask import Response, request

from redis.exceptions import RedisError

from ausm_common.errors import Conflict, Unavailable, ValidationFailed

log = logging.getLogger(__name__)

HEADER = "Idempotency-Key"
TTL_SECONDS = 24 * 3600
PENDING_TTL_SECONDS = 120
MAX_KEY_LENGTH = 255


class IdempotencyStore:
    def __init__(self, redis, prefix: str, wait_seconds: float = 15.0, poll_seconds: float = 0.05):
        self.redis, self.prefix, self.wait_seconds, self.poll_seconds = redis, prefix, wait_seconds, poll_seconds

    def _key(self, client: str, key: str) -> str:
        return f"{self.prefix}:idem:{client}:{hashlib.sha256(key.encode()).hexdigest()}"

    def claim(self, client: str, key: str, body_hash: str) -> dict | None:
        """None when this request is the first (it must run and `finish`); else the stored answer."""
        slot = self._key(client, key)
        if self.redis.set(slot, json.dumps({"state": "pending", "hash": body_hash}), nx=True,
                          ex=PENDING_TTL_SECONDS):
            return None
        deadline = time.monotonic() + self.wait_seconds
        while True:
            raw = self.redis.get(slot)
            if raw is None:          # the first one failed and released the key: take it
                if self.redis.set(slot, json.dumps({"state": "pending", "hash": body_hash}), nx=True,
                                  ex=PENDING_TTL_SECONDS):
                    return None
                continue
            stored = json.loads(raw)
            if stored["hash"] != body_hash:
                raise ValidationFailed("IDEMPOTENCY_KEY_REUSED", "该 Idempotency-Key 已用于另一内容不同的请求",
                                       {HEADER: "该 Idempotency-Key 已用于另一内容不同的请求"})
            if stored["state"] == "done":
                return stored
            if time.monotonic() >= deadline:
                raise Conflict("IDEMPOTENCY_IN_PROGRESS", "相同 Idempotency-Key 的请求正在处理，请稍后重试")
            time.sleep(self.poll_seconds)

    def finish(self, client: str, key: str, body_hash: str, response: Response):
        answer = {"state": "done", "hash": body_hash, "status": response.status_code,
                  "body": response.get_data(as_text=True), "content_type": response.content_type,
                  "location": response.headers.get("Location")}
        self.redis.set(self._key(client, key), json.dumps(answer), ex=TTL_SECONDS)

    def release(self, client: str, key: str):
        self.redis.delete(self._key(client, key))


def body_hash() -> str:
    digest = hashlib.sha256(request.method.encode() + b" " + request.path.encode() + b"?"
                            + request.query_string + b"\n")
    digest.update(request.get_data(cache=True))
    return digest.hexdigest()


def replay(stored: dict) -> Response:
    response = Response(stored["body"], status=stored["status"], content_type=stored["content_type"])
    if stored.get("location"):
        response.headers["Location"] = stored["location"]
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _quietly(action, *args):
    """After the work is done, a Redis failure must not turn its answer into an error (the key then expires)."""
    try:
        action(*args)
    except RedisError:
        log.warning("idempotency store unavailable while recording an answer")


def idempotent(store_of, client_of):
    """Decorate a POST view: `store_of()` gives the IdempotencyStore, `client_of()` the calling client's id."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            key = request.headers.get(HEADER)
            if not key:
                return view(*args, **kwargs)
            if len(key) > MAX_KEY_LENGTH:
                raise ValidationFailed("IDEMPOTENCY_KEY_INVALID", "Idempotency-Key 过长", {HEADER: "最多255个字符"})
            store, client, digest = store_of(), client_of(), body_hash()
            try:
                stored = store.claim(client, key, digest)
            except RedisError:
                raise Unavailable("SERVICE_UNAVAILABLE", "系统繁忙，请稍后再试") from None
            if stored is not None:
                return replay(stored)
            try:
                from flask import current_app
                response = current_app.make_response(view(*args, **kwargs))
            except BaseException:
                _quietly(store.release, client, key)
                raise
            if response.status_code >= 500:
                _quietly(store.release, client, key)
            else:
                _quietly(store.finish, client, key, digest, response)
            return response
        return wrapper
    return decorate


__all__ = ["HEADER", "IdempotencyStore", "idempotent"]
