"""Secrets identity keeps encrypted at rest (the token signing keys' private halves, webhook secrets):
AES-256-GCM under a key derived from SECRET_KEY, readable across a rotation of SECRET_KEY.

A sealed value is `s1.<key id>.<base64(nonce ‖ ciphertext)>`; the key id is a fingerprint of the secret it was
sealed under (an HMAC of it, not the key), so a reader picks the right key and the re-seal command
(`python -m identity.reseal`) knows what is already current. Values written before the prefix existed (plain
base64, no key id) are read by trying each key. Keys: SECRET_KEY seals; it and every SECRET_KEY_PREVIOUS
(comma-separated) unseal.
"""
import base64
import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ausm_common.config import env, secret_key

VERSION = "s1"
DERIVATION = b"ausm token signing keys v1"      # unchanged, so values sealed before key ids existed still open
KEY_ID = b"ausm sealed key id v1"
LEGACY_AAD = b"signing-key"


class SealKeyMissing(RuntimeError):
    """No configured key opens a sealed value (SECRET_KEY changed without SECRET_KEY_PREVIOUS)."""


@dataclass(frozen=True)
class SealKey:
    kid: str
    key: bytes = b""

    def __repr__(self):                          # never print the key
        return f"SealKey({self.kid})"


def derive(secret: bytes) -> SealKey:
    return SealKey(hmac.new(secret, KEY_ID, hashlib.sha256).hexdigest()[:12],
                   hmac.new(secret, DERIVATION, hashlib.sha256).digest())


def keys_for(current: bytes, previous: str | None = None) -> list[SealKey]:
    """The current key first (it seals), then the previous ones in the order given, without repeats."""
    keys = [derive(current)]
    for secret in (s.strip() for s in (previous or "").split(",")):
        key = derive(secret.encode()) if secret else None
        if key and key.kid not in {k.kid for k in keys}:
            keys.append(key)
    return keys


def configured_keys() -> list[SealKey]:
    return keys_for(secret_key(), env("SECRET_KEY_PREVIOUS"))


def _aad(kid: str) -> bytes:
    return f"{VERSION}.{kid}.".encode() + LEGACY_AAD


def seal(data: bytes, keys: list[SealKey] | None = None) -> str:
    key = (keys or configured_keys())[0]
    nonce = os.urandom(12)
    body = base64.b64encode(nonce + AESGCM(key.key).encrypt(nonce, data, _aad(key.kid))).decode()
    return f"{VERSION}.{key.kid}.{body}"


def key_id(text: str) -> str | None:
    """The key id a value was sealed under; None for the legacy format (base64 never contains a dot)."""
    parts = text.split(".", 2)
    return parts[1] if len(parts) == 3 and parts[0] == VERSION else None


def unseal(text: str, keys: list[SealKey] | None = None) -> bytes:
    keys = keys or configured_keys()
    kid = key_id(text)
    if kid is None:
        raw = base64.b64decode(text)
        for key in keys:
            try:
                return AESGCM(key.key).decrypt(raw[:12], raw[12:], LEGACY_AAD)
            except InvalidTag:
                continue
        raise SealKeyMissing("a value sealed before key ids (legacy format) opens with neither SECRET_KEY nor any "
                             "SECRET_KEY_PREVIOUS: set the secret it was sealed under in SECRET_KEY_PREVIOUS")
    key = next((k for k in keys if k.kid == kid), None)
    if key is None:
        raise SealKeyMissing(f"a value is sealed under key id {kid}, which is neither SECRET_KEY's "
                             f"({keys[0].kid}) nor any SECRET_KEY_PREVIOUS': set that secret in SECRET_KEY_PREVIOUS")
    raw = base64.b64decode(text.split(".", 2)[2])
    return AESGCM(key.key).decrypt(raw[:12], raw[12:], _aad(kid))


def is_current(text: str, keys: list[SealKey] | None = None) -> bool:
    return key_id(text) == (keys or configured_keys())[0].kid


def reseal(text: str, keys: list[SealKey] | None = None) -> str:
    """The value sealed under the current key; unchanged when it already is (so a second run changes nothing)."""
    keys = keys or configured_keys()
    return text if is_current(text, keys) else seal(unseal(text, keys), keys)
