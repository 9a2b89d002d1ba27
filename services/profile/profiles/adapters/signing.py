"""The signed JSON call that the profile providers' real implementations share.

Request: ``POST <base_url><path>`` with a UTF-8 JSON body and the headers

    X-App-Key    the app key the provider issued to us
    X-Timestamp  Unix seconds; the provider refuses a skew over 5 minutes
    X-Nonce      32 random hex characters, never reused (replay protection)
    X-Signature  hex HMAC-SHA256(app_secret, string_to_sign)

    string_to_sign = METHOD \\n path \\n timestamp \\n nonce \\n hex SHA-256 of the body

Answer: HTTP 200 with ``{"code": 0, "message": "...", "data": ...}``; a non-zero ``code`` is a
refusal by the provider. This is the envelope most Chinese government data-exchange gateways use;
the exact field names of each provider's contract go in the adapter, not here.

Anything that keeps us from getting a usable answer (connection refused, timeout, HTTP 4xx/5xx
other than 404, a body that is not the envelope, a non-zero code) raises ``ProviderUnavailable``:
callers tell the person to try later or to upload proof by hand, they never guess.
"""
from ausm_common.errors import ProviderUnavailable as KitProviderUnavailable
import hashlib
import hmac
import json
import secrets
import time

import requests

MAX_SKEW_SECONDS = 300


class ProviderUnavailable(KitProviderUnavailable):
    """The provider gave no usable answer. ``message`` is for the person, ``reason`` for the log."""

    def __init__(self, provider: str, reason: str, message: str | None = None):
        super().__init__(message or "核验服务暂时无法访问，请稍后再试")
        self.args = (f"{provider}: {reason}",)
        self.provider, self.reason = provider, reason


def string_to_sign(method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    return "\n".join((method.upper(), path, timestamp, nonce, hashlib.sha256(body).hexdigest()))


def sign(secret: str, method: str, path: str, timestamp: str, nonce: str, body: bytes) -> str:
    text = string_to_sign(method, path, timestamp, nonce, body)
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def verify_signature(secret: str, method: str, path: str, headers, body: bytes, now: float | None = None) -> bool:
    """The provider's side of the check; sandbox stand-ins and tests use it."""
    timestamp, nonce = headers.get("X-Timestamp", ""), headers.get("X-Nonce", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > MAX_SKEW_SECONDS or not nonce:
        return False
    expected = sign(secret, method, path, timestamp, nonce, body)
    return hmac.compare_digest(expected, headers.get("X-Signature", ""))


class SignedJsonClient:
    def __init__(self, provider: str, base_url: str, app_key: str, app_secret: str, timeout: float = 5):
        self.provider, self.base_url = provider, base_url.rstrip("/")
        self.app_key, self.app_secret, self.timeout = app_key, app_secret, timeout

    def post(self, path: str, payload: dict):
        """The envelope's ``data``; None when the provider answers 404 (nothing under that key)."""
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
        headers = {"Content-Type": "application/json; charset=utf-8", "X-App-Key": self.app_key,
                   "X-Timestamp": timestamp, "X-Nonce": nonce,
                   "X-Signature": sign(self.app_secret, "POST", path, timestamp, nonce, body)}
        try:
            response = requests.post(self.base_url + path, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:   # timeouts, refused connections, TLS failures
            raise ProviderUnavailable(self.provider, f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise ProviderUnavailable(self.provider, f"HTTP {response.status_code}")
        return self._data(response)

    def _data(self, response):
        try:
            envelope = response.json()
        except ValueError as exc:
            raise ProviderUnavailable(self.provider, "answer is not JSON") from exc
        if not isinstance(envelope, dict) or "code" not in envelope:
            raise ProviderUnavailable(self.provider, "answer lacks the code/data envelope")
        if str(envelope["code"]) != "0":
            raise ProviderUnavailable(self.provider, f"code {envelope['code']}: {envelope.get('message', '')}")
        return envelope.get("data")


def require_settings(config: dict, provider: str, *names: str) -> list[str]:
    """The settings a real provider needs, as text; a clear start-up error when one is missing."""
    missing = [n for n in names if config.get(n) in (None, "")]
    if missing:
        raise RuntimeError(f"{provider}: set {', '.join(missing)} (or SANDBOX=true for the sandbox)")
    return [str(config[n]) for n in names]
