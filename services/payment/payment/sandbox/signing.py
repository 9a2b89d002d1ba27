"""The channels' signatures, written for the sandbox on `cryptography` alone and independently of our adapters
(which use the channels' SDKs, or for UnionPay their own code), so that a mistake on one side cannot hide behind
the same code on the other. Nothing here imports payment.adapters."""
import base64
import hashlib
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def rsa_sha256_sign(private_key, message: bytes) -> str:
    return base64.b64encode(private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa_sha256_verify(public_key, message: bytes, signature_b64: str) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64, validate=True), message, padding.PKCS1v15(),
                          hashes.SHA256())
        return True
    except (InvalidSignature, ValueError, TypeError):
        return False


# --- Alipay (RSA2) ------------------------------------------------------------------------------

def alipay_content(params: dict, exclude=("sign", "sign_type")) -> bytes:
    """Every parameter but the excluded ones, empty values dropped, sorted by key, `k=v` joined by `&`.
    Requests keep sign_type in the string; notifications leave it out."""
    items = sorted((k, v) for k, v in params.items() if k not in exclude and v not in (None, ""))
    return "&".join(f"{k}={v}" for k, v in items).encode("utf-8")


# --- WeChat Pay APIv3 ----------------------------------------------------------------------------

def wechat_request_message(method: str, path: str, timestamp: str, nonce: str, body: str) -> bytes:
    return f"{method}\n{path}\n{timestamp}\n{nonce}\n{body}\n".encode("utf-8")


def wechat_response_message(timestamp: str, nonce: str, body: str) -> bytes:
    return f"{timestamp}\n{nonce}\n{body}\n".encode("utf-8")


def parse_wechat_authorization(header: str) -> dict | None:
    scheme, _, rest = (header or "").partition(" ")
    if scheme != "WECHATPAY2-SHA256-RSA2048":
        return None
    fields = {}
    for part in rest.split(","):
        key, _, value = part.strip().partition("=")
        fields[key] = value.strip('"')
    return fields if {"mchid", "nonce_str", "signature", "timestamp", "serial_no"} <= set(fields) else None


def aes_gcm_seal(key: bytes, nonce: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """Ciphertext followed by the 16-byte tag (what WeChat base64-encodes into resource.ciphertext)."""
    return AESGCM(key).encrypt(nonce, plaintext, associated_data)


def new_nonce(length: int = 32) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    return "".join(alphabet[b % len(alphabet)] for b in os.urandom(length))


# --- UnionPay 5.1.0, signMethod 01 -----------------------------------------------------------------

def unionpay_digest(fields: dict) -> bytes:
    """SHA-256 (lowercase hex) of the sorted `k=v&…` string of every field but `signature`."""
    content = "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "signature")
    return hashlib.sha256(content.encode("utf-8")).hexdigest().encode("ascii")
