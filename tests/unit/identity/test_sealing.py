"""Sealed secrets (signing keys, webhook secrets) survive a rotation of SECRET_KEY: they carry the id of the key
that sealed them, open with SECRET_KEY or any SECRET_KEY_PREVIOUS, and re-seal under the current key once."""
import base64
import hashlib
import hmac
import os

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from identity import api_clients, reseal, sealing

OLD, NEW = b"old-secret-of-at-least-32-bytes-0001", b"new-secret-of-at-least-32-bytes-0002"


def legacy_seal(secret: bytes, data: bytes) -> str:
    """What api_clients.seal wrote before key ids (kept here verbatim to prove old rows still open)."""
    key = hmac.new(secret, b"ausm token signing keys v1", hashlib.sha256).digest()
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, data, b"signing-key")).decode()


def test_a_sealed_value_names_its_key_and_opens_with_it_only():
    keys = sealing.keys_for(OLD)
    sealed = sealing.seal(b"whsec_abc", keys)
    assert sealed.startswith(f"s1.{keys[0].kid}.") and b"whsec_abc" not in base64.b64decode(sealed.split(".")[2])
    assert sealing.unseal(sealed, keys) == b"whsec_abc"
    assert sealing.seal(b"whsec_abc", keys) != sealed                      # a fresh nonce every time
    with pytest.raises(sealing.SealKeyMissing, match=keys[0].kid):
        sealing.unseal(sealed, sealing.keys_for(NEW))
    tampered = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(InvalidTag):
        sealing.unseal(tampered, keys)


def test_the_key_id_is_a_fingerprint_not_the_key():
    key = sealing.derive(OLD)
    assert len(key.kid) == 12 and key.kid != sealing.derive(NEW).kid and key.kid == sealing.derive(OLD).kid
    assert bytes.fromhex(key.kid) not in key.key and repr(key) == f"SealKey({key.kid})"     # logs never show it


def test_after_a_rotation_old_values_open_with_the_previous_key_new_ones_seal_under_the_new():
    before = sealing.seal(b"private pem", sealing.keys_for(OLD))
    rotated = sealing.keys_for(NEW, f" {OLD.decode()} , other-older-secret-xxxxxxxxxxxxxxxxxx")
    assert [k.kid for k in rotated] == [sealing.derive(s).kid for s in (NEW, OLD, b"other-older-secret-xxxxxxxxxxxxxxxxxx")]
    assert sealing.unseal(before, rotated) == b"private pem"
    assert sealing.key_id(sealing.seal(b"x", rotated)) == rotated[0].kid
    assert not sealing.is_current(before, rotated)


def test_the_legacy_format_is_read_with_every_configured_key():
    legacy = legacy_seal(OLD, b"legacy pem")
    assert sealing.key_id(legacy) is None
    assert sealing.unseal(legacy, sealing.keys_for(OLD)) == b"legacy pem"
    assert sealing.unseal(legacy, sealing.keys_for(NEW, OLD.decode())) == b"legacy pem"
    with pytest.raises(sealing.SealKeyMissing, match="legacy"):
        sealing.unseal(legacy, sealing.keys_for(NEW))


def test_reseal_moves_a_value_to_the_current_key_once():
    rotated = sealing.keys_for(NEW, OLD.decode())
    for old in (legacy_seal(OLD, b"v"), sealing.seal(b"v", sealing.keys_for(OLD))):
        again = sealing.reseal(old, rotated)
        assert sealing.is_current(again, rotated) and again != old
        assert sealing.unseal(again, sealing.keys_for(NEW)) == b"v"          # the new key alone now
        assert sealing.reseal(again, rotated) == again                       # idempotent


def test_the_service_seals_with_the_environment_and_reads_after_a_rotation(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", OLD.decode())
    monkeypatch.delenv("SECRET_KEY_PREVIOUS", raising=False)
    sealed = api_clients.seal(b"-----BEGIN PRIVATE KEY-----")
    legacy = legacy_seal(OLD, b"old row")
    monkeypatch.setenv("SECRET_KEY", NEW.decode())
    with pytest.raises(sealing.SealKeyMissing):
        api_clients.unseal(sealed)
    monkeypatch.setenv("SECRET_KEY_PREVIOUS", OLD.decode())
    assert api_clients.unseal(sealed) == b"-----BEGIN PRIVATE KEY-----" and api_clients.unseal(legacy) == b"old row"
    assert sealing.key_id(api_clients.seal(b"x")) == sealing.derive(NEW).kid


class _Query:
    def order_by(self, *columns):
        return self

    def with_for_update(self):
        return self


class _Model:
    class __table__:
        class primary_key:
            columns = ()


class Row:
    def __init__(self, value):
        self.value = value


class Rows:
    """A session that answers one select with its rows (reseal_column's only query)."""
    def __init__(self, rows):
        self.rows = rows

    def scalars(self, query):
        return iter(self.rows)


def test_reseal_column_counts_and_touches_only_what_is_not_current(monkeypatch):
    rotated = sealing.keys_for(NEW, OLD.decode())
    current = sealing.seal(b"c", rotated)
    rows = [Row(legacy_seal(OLD, b"a")), Row(sealing.seal(b"b", sealing.keys_for(OLD))), Row(current)]
    monkeypatch.setattr(reseal, "select", lambda model: _Query())
    assert reseal.reseal_column(Rows(rows), _Model, "value", rotated) == {"resealed": 2, "current": 1}
    assert rows[2].value == current and all(sealing.is_current(r.value, rotated) for r in rows)
    assert [sealing.unseal(r.value, sealing.keys_for(NEW)) for r in rows] == [b"a", b"b", b"c"]
    assert reseal.reseal_column(Rows(rows), _Model, "value", rotated) == {"resealed": 0, "current": 3}
