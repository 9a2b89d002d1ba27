"""Random tokens and their stored hashes."""
import hashlib
import hmac
import secrets
import time


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign(secret: bytes, *parts: str) -> str:
    return hmac.new(secret, "|".join(parts).encode(), hashlib.sha256).hexdigest()


def file_link(secret: bytes, key: str, ttl_seconds: int = 300, now: float | None = None) -> str:
    """A short-lived link to an object, served by the gateway's /files route."""
    expires = str(int((now or time.time()) + ttl_seconds))
    return f"/files/{key}?expires={expires}&sig={sign(secret, key, expires)}"


def check_file_link(secret: bytes, key: str, expires: str, sig: str, now: float | None = None) -> bool:
    if not expires.isdigit() or int(expires) < (now or time.time()):
        return False
    return hmac.compare_digest(sign(secret, key, expires), sig or "")
